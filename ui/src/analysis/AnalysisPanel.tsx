// The panel under the canvas: validation findings or the threat register, with their
// counts in the tabs. What it lists comes from the engine after every edit.

import { useEffect } from "react";

import type { Document } from "../api/bindings/Document";
import { useAnalysis } from "../state/analysis";
import { useUi, type Panel } from "../state/ui";
import { FindingsList } from "./FindingsList";
import { ThreatRegister } from "./ThreatRegister";

/** Keeps the register fetched while mounted. */
function LiveRegister({ doc }: { doc: Document }) {
  const register = useAnalysis((s) => s.register);
  useEffect(() => {
    useAnalysis.getState().wantRegister(1);
    return () => useAnalysis.getState().wantRegister(-1);
  }, []);
  return <ThreatRegister doc={doc} threats={register} />;
}

export function AnalysisPanel({ doc, panel }: { doc: Document; panel: Panel }) {
  const overview = useAnalysis((s) => s.overview);
  const tab = (which: Panel, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={panel === which}
      className={`panel__tab${panel === which ? " panel__tab--active" : ""}`}
      data-testid={`panel-tab-${which}`}
      onClick={() => useUi.setState({ panel: which })}
    >
      {label}
    </button>
  );
  const findings = overview?.validation.findings.length;
  return (
    <section className="panel" aria-label={panel === "findings" ? "Findings" : "Threat register"} data-testid="analysis-panel" data-own-keys>
      <div className="panel__tabs" role="tablist">
        {tab("findings", findings === undefined ? "Findings" : `Findings (${findings})`)}
        {tab("threats", overview ? `Threats (${overview.threat_count})` : "Threats")}
        <button type="button" className="panel__close button button--icon-only" aria-label="Close the panel" data-testid="close-panel" onClick={() => useUi.setState({ panel: null })}>
          ✕
        </button>
      </div>
      <div className="panel__body">{panel === "findings" ? <FindingsList doc={doc} validation={overview?.validation ?? null} /> : <LiveRegister doc={doc} />}</div>
    </section>
  );
}
