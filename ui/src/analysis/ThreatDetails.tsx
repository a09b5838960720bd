// One threat of the register, for recording what was decided about it: status, scores,
// decision with rationale, owner, dates, notes and the mitigations it is linked to. Each
// change is one operation; the score, risk priority number and severity shown come back
// from the engine, which derives them by the one formula of docs/analysis.md.

import { useState, type ReactNode } from "react";

import type { Decision } from "../api/bindings/Decision";
import type { Document } from "../api/bindings/Document";
import type { StrideCategory } from "../api/bindings/StrideCategory";
import type { Threat } from "../api/bindings/Threat";
import type { ThreatStatus } from "../api/bindings/ThreatStatus";
import type { ThreatView } from "../api/bindings/ThreatView";
import { TextField } from "../components/fields";
import { useUi } from "../state/ui";
import { createMitigation, deleteManualThreat, editMitigation, editThreat, linkMitigation, unlinkMitigation } from "./edits";
import { CATEGORIES, STATUSES } from "./register";

const DECISIONS: Decision[] = ["Fix now", "Mitigate", "Defer", "Accept"];
const SCALE = [1, 2, 3, 4, 5];

function Select<T extends string | number>({
  label,
  value,
  options,
  onChange,
  testId,
  none,
}: {
  label: string;
  value: T | null;
  options: { value: T; label: string }[];
  onChange: (value: T | null) => void;
  testId: string;
  /** The label of "no value", when there may be none. */
  none?: string;
}) {
  return (
    <label className="detail-field" data-testid={testId}>
      <span className="field__label">{label}</span>
      <select
        className="field__select"
        value={value === null ? "" : String(value)}
        onChange={(e) => {
          const picked = options.find((o) => String(o.value) === e.target.value);
          onChange(picked ? picked.value : null);
        }}
      >
        {none !== undefined && <option value="">{none}</option>}
        {options.map((o) => (
          <option key={String(o.value)} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function DateField({ label, value, onChange, testId }: { label: string; value: string | null; onChange: (value: string | null) => void; testId: string }) {
  return (
    <label className="detail-field" data-testid={testId}>
      <span className="field__label">{label}</span>
      <input type="date" className="field__input" value={value ?? ""} onChange={(e) => onChange(e.target.value || null)} />
    </label>
  );
}

const scaleOptions = (low: string, high: string) => SCALE.map((n) => ({ value: n, label: n === 1 ? `1 · ${low}` : n === 5 ? `5 · ${high}` : String(n) }));

function Mitigations({ doc, threat }: { doc: Document; threat: ThreatView }) {
  const [name, setName] = useState("");
  const linked = threat.mitigations.flatMap((id) => (doc.mitigations[id] ? [doc.mitigations[id]] : []));
  const others = Object.values(doc.mitigations)
    .filter((m) => !threat.mitigations.includes(m.id))
    .sort((a, b) => a.name.localeCompare(b.name));
  const adopt = (text: string) => void createMitigation(threat.id, text);
  return (
    <section className="detail-section" aria-label="Mitigations" data-testid="threat-mitigations">
      <h4 className="detail-section__title">Mitigations</h4>
      {linked.length === 0 && <p className="panel__empty">None linked yet.</p>}
      <ul className="mitigation-list">
        {linked.map((m) => (
          <li key={m.id} className="mitigation" data-testid="linked-mitigation">
            <span className="mitigation__name">{m.name}</span>
            <select
              className="field__select field__select--small"
              aria-label={`Status of ${m.name}`}
              value={m.status}
              onChange={(e) => void editMitigation({ ...m, status: e.target.value as typeof m.status })}
            >
              <option>Proposed</option>
              <option>Implemented</option>
              <option>Verified</option>
            </select>
            <button type="button" className="button button--small" aria-label={`Unlink ${m.name}`} onClick={() => void unlinkMitigation(threat.id, m.id)}>
              Unlink
            </button>
          </li>
        ))}
      </ul>
      <div className="mitigation-add">
        {others.length > 0 && (
          <select className="field__select" aria-label="Link an existing mitigation" data-testid="link-mitigation" value="" onChange={(e) => e.target.value && void linkMitigation(threat.id, e.target.value)}>
            <option value="">Link an existing mitigation…</option>
            {others.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        )}
        <form
          className="mitigation-new"
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) {
              adopt(name);
              setName("");
            }
          }}
        >
          <input className="field__input" data-testid="new-mitigation" placeholder="New mitigation, e.g. Mutual TLS" value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit" className="button" disabled={!name.trim()}>
            Add
          </button>
        </form>
      </div>
      {threat.suggested_mitigations.length > 0 && (
        <div className="suggestions">
          <span className="field__label">Suggested by the rule</span>
          <ul>
            {threat.suggested_mitigations.map((s) => (
              <li key={s}>
                {s}{" "}
                <button type="button" className="link-button" data-testid="adopt-suggestion" onClick={() => adopt(s)}>
                  Adopt
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

function Row({ children }: { children: ReactNode }) {
  return <div className="detail-row">{children}</div>;
}

export function ThreatDetails({ doc, threat }: { doc: Document; threat: ThreatView }) {
  const edit = (change: (t: Threat) => Threat, coalesce: string | null = null) => void editThreat(threat.id, change, coalesce);
  const text = (field: "title" | "description" | "rationale" | "owner" | "reviewer" | "notes", label: string, explain: string, multiline = false) => (
    <TextField
      label={label}
      explain={explain}
      multiline={multiline}
      testId={`threat-${field}`}
      value={threat[field]}
      onEdit={(value, coalesce) => edit((t) => ({ ...t, [field]: value }), coalesce)}
    />
  );
  const target = threat.target_id ? doc.elements[threat.target_id] : undefined;
  const manual = threat.origin === "manual";

  return (
    <div className="threat-details" data-testid="threat-details" key={threat.id}>
      <header className="threat-details__header">
        <span className={`severity-pill severity-pill--${threat.severity.toLowerCase()}`} data-testid="threat-severity">
          {threat.severity}
        </span>
        <span className="threat-details__score" data-testid="threat-score">
          Score {threat.score}
          {threat.rpn !== null && ` · RPN ${threat.rpn}`}
        </span>
        {target && (
          <button type="button" className="link-button" data-testid="threat-target" onClick={() => useUi.getState().reveal(target.id, target.diagram)}>
            Show {target.name.trim() || "the element"} in the diagram
          </button>
        )}
      </header>
      {threat.stale && (
        <p className="threat-details__stale" data-testid="threat-stale">
          Stale: {threat.stale_reason ?? "the rule no longer applies"}. What was recorded on it is kept.
        </p>
      )}
      {text("title", "Title", manual ? "What can go wrong, in a few words." : "Generated from the rule; an edit here is kept when the threat is regenerated.")}
      {manual ? (
        <Select<StrideCategory> label="Category" testId="threat-category" value={threat.category} options={CATEGORIES.map((c) => ({ value: c, label: c }))} onChange={(c) => c && edit((t) => ({ ...t, category: c }))} />
      ) : (
        <p className="threat-details__why" data-testid="threat-why">
          {threat.why}
        </p>
      )}
      {text("description", "Description", "What an attacker does and what it costs the system.", true)}
      <Row>
        <Select<ThreatStatus> label="Status" testId="threat-status" value={threat.status} options={STATUSES.map((s) => ({ value: s, label: s }))} onChange={(s) => s && edit((t) => ({ ...t, status: s }))} />
        <Select<number> label="Likelihood" testId="threat-likelihood" value={threat.likelihood} options={scaleOptions("rare", "almost certain")} onChange={(n) => n && edit((t) => ({ ...t, likelihood: n }))} />
        <Select<number> label="Impact" testId="threat-impact" value={threat.impact} options={scaleOptions("minor", "severe")} onChange={(n) => n && edit((t) => ({ ...t, impact: n }))} />
        <Select<number>
          label="Detectability"
          testId="threat-detectability"
          value={threat.detectability}
          none="Not rated"
          options={scaleOptions("caught at once", "goes unnoticed")}
          onChange={(n) => edit((t) => ({ ...t, detectability: n }))}
        />
      </Row>
      <Row>
        <Select<Decision> label="Decision" testId="threat-decision" value={threat.decision} none="Not decided" options={DECISIONS.map((d) => ({ value: d, label: d }))} onChange={(d) => edit((t) => ({ ...t, decision: d }))} />
        <DateField label="Due" testId="threat-due" value={threat.due_date} onChange={(d) => edit((t) => ({ ...t, due_date: d }))} />
      </Row>
      {text("rationale", "Rationale", "Why this decision: auditors read it in the report.", true)}
      <Row>
        {text("owner", "Owner", "Who carries it out.")}
        {text("reviewer", "Reviewer", "Who checked the decision.")}
        <DateField label="Reviewed" testId="threat-review-date" value={threat.review_date} onChange={(d) => edit((t) => ({ ...t, review_date: d }))} />
      </Row>
      <Mitigations doc={doc} threat={threat} />
      {text("notes", "Notes", "Anything else worth keeping.", true)}
      {threat.references.length > 0 && (
        <p className="threat-details__refs" data-testid="threat-references">
          References: {threat.references.join(", ")}
        </p>
      )}
      {manual && (
        <button
          type="button"
          className="button button--danger"
          data-testid="delete-threat"
          onClick={() => {
            void deleteManualThreat(threat.id);
            useUi.getState().showThreat(null);
          }}
        >
          Delete this threat
        </button>
      )}
    </div>
  );
}
