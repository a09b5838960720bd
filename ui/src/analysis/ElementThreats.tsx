// The threats against the element or flow the inspector shows, in register order. A click
// opens the threat in the register.

import { useEffect, useState } from "react";

import * as client from "../api/client";
import type { ThreatView } from "../api/bindings/ThreatView";
import { useAnalysis } from "../state/analysis";
import { errorMessage } from "../state/errors";
import { useUi } from "../state/ui";
import { addManualThreat } from "./edits";

export function ElementThreats({ element }: { element: string }) {
  const revision = useAnalysis((s) => s.revision);
  const [threats, setThreats] = useState<ThreatView[] | null>(null);
  useEffect(() => {
    let current = true;
    client.threatsOn(element).then(
      (list) => current && setThreats(list),
      (e) => current && useUi.getState().showError(errorMessage(e)),
    );
    return () => {
      current = false;
    };
  }, [element, revision]);

  const open = threats?.filter((t) => !t.stale) ?? [];
  return (
    <section className="inspector__section" aria-label="Threats" data-testid="element-threats">
      <h3 className="inspector__section-title">Threats{threats ? ` (${open.length})` : ""}</h3>
      {threats === null ? (
        <p className="inspector__note">Generating…</p>
      ) : open.length === 0 ? (
        <p className="inspector__note">No threats: check its properties, or add one the rules do not know.</p>
      ) : (
        <ul className="element-threats">
          {open.map((t) => (
            <li key={t.id}>
              <button type="button" className="element-threat" data-testid="element-threat" onClick={() => useUi.getState().showThreat(t.id)} title={t.why || t.description}>
                <span className={`severity-pill severity-pill--${t.severity.toLowerCase()}`}>{t.severity}</span>
                <span className="element-threat__title">{t.title}</span>
                <span className="element-threat__status">{t.decision ?? t.status}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        className="button button--small"
        data-testid="add-element-threat"
        onClick={async () => {
          const id = await addManualThreat(element);
          if (id) useUi.getState().showThreat(id);
        }}
      >
        + Threat on this element
      </button>
    </section>
  );
}
