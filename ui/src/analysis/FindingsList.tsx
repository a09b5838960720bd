// The validation findings of the model, most severe first, as the engine reports them after
// each edit. A click shows the element the finding is about; a finding can be dismissed with
// a reason (kept in the model) and brought back.

import { useState } from "react";

import type { Document } from "../api/bindings/Document";
import type { Finding } from "../api/bindings/Finding";
import type { Validation } from "../api/bindings/Validation";
import { revealFirst } from "../state/ui";
import { dismissFinding, restoreFinding } from "./edits";

/** Show the first element a finding names. */
function revealFinding(doc: Document, finding: Finding): void {
  revealFirst(doc, finding.element_ids);
}

function DismissForm({ finding, onDone }: { finding: Finding; onDone: () => void }) {
  const [reason, setReason] = useState("");
  const send = async () => {
    if (reason.trim() && (await dismissFinding(finding, reason))) onDone();
  };
  return (
    <form
      className="finding__dismiss"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <input
        className="field__input"
        data-testid="dismiss-reason"
        aria-label="Why this finding does not need fixing"
        placeholder="Why it does not need fixing (kept in the model)"
        value={reason}
        autoFocus
        onChange={(e) => setReason(e.target.value)}
        onKeyDown={(e) => e.key === "Escape" && onDone()}
      />
      <button type="submit" className="button button--primary" data-testid="dismiss-confirm" disabled={!reason.trim()}>
        Dismiss
      </button>
      <button type="button" className="button" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

function FindingRow({ doc, finding }: { doc: Document; finding: Finding }) {
  const [dismissing, setDismissing] = useState(false);
  return (
    <li className={`finding finding--${finding.severity}`} data-testid="finding" data-code={finding.code}>
      <button type="button" className="finding__main" onClick={() => revealFinding(doc, finding)} title="Show the element in the diagram">
        <span className={`severity-dot severity-dot--${finding.severity}`} aria-label={finding.severity} />
        <span className="finding__code">{finding.code}</span>
        <span className="finding__message" data-testid="finding-message">
          {finding.message}
        </span>
      </button>
      {dismissing ? (
        <DismissForm finding={finding} onDone={() => setDismissing(false)} />
      ) : (
        <button type="button" className="button button--small" data-testid="dismiss-finding" onClick={() => setDismissing(true)}>
          Dismiss…
        </button>
      )}
    </li>
  );
}

export function FindingsList({ doc, validation }: { doc: Document; validation: Validation | null }) {
  const [showDismissed, setShowDismissed] = useState(false);
  if (!validation) return <p className="panel__empty">Checking the model…</p>;
  const { findings, dismissed } = validation;
  return (
    <div className="findings" data-testid="findings">
      {findings.length === 0 ? (
        <p className="panel__empty" data-testid="no-findings">
          No findings: the diagram is consistent.
        </p>
      ) : (
        <ul className="findings__list">
          {findings.map((f) => (
            <FindingRow key={f.id} doc={doc} finding={f} />
          ))}
        </ul>
      )}
      {dismissed.length > 0 && (
        <div className="findings__dismissed">
          <button type="button" className="link-button" data-testid="toggle-dismissed" onClick={() => setShowDismissed(!showDismissed)}>
            {showDismissed ? "Hide" : "Show"} {dismissed.length} dismissed
          </button>
          {showDismissed && (
            <ul className="findings__list">
              {dismissed.map(({ finding, dismissal }) => (
                <li key={finding.id} className="finding finding--dismissed" data-testid="dismissed-finding">
                  <button type="button" className="finding__main" onClick={() => revealFinding(doc, finding)}>
                    <span className="finding__code">{finding.code}</span>
                    <span className="finding__message">{finding.message}</span>
                    <span className="finding__reason">Dismissed{dismissal.date ? ` on ${dismissal.date}` : ""}: {dismissal.reason}</span>
                  </button>
                  <button type="button" className="button button--small" data-testid="restore-finding" onClick={() => void restoreFinding(finding.id)}>
                    Restore
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
