// The options of the PDF report (which sections, which paper) before the native save dialog,
// and a busy state while the engine writes the file (it runs off the UI thread in the shell),
// with a Cancel that stops it: the engine stops between sections and nothing is written.

import { useState } from "react";

import type { Paper } from "../api/bindings/Paper";
import type { Section } from "../api/bindings/Section";
import { cancelExport } from "../api/client";
import { Dialog } from "../components/Dialog";
import { exportModel } from "../state/actions";
import { useUi } from "../state/ui";
import "./ReportDialog.css";

/** The sections in document order, with the headings the report gives them. */
export const REPORT_SECTIONS: [Section, string][] = [
  ["summary", "Executive summary"],
  ["scope", "Scope and assumptions"],
  ["assets", "Assets"],
  ["diagrams", "Data-flow diagrams"],
  ["elements", "Element inventory"],
  ["threats", "Threat register"],
  ["attack_trees", "Attack trees"],
  ["accepted_risks", "Accepted risks"],
  ["findings", "Open validation findings"],
];

const PAPERS: [Paper, string][] = [
  ["a4", "A4 (210 × 297 mm)"],
  ["letter", "US Letter (8.5 × 11 in)"],
];

export function ReportDialog({ onClose }: { onClose: () => void }) {
  const [chosen, setChosen] = useState<Set<Section>>(() => new Set(REPORT_SECTIONS.map(([s]) => s)));
  const [paper, setPaper] = useState<Paper>("a4");
  const [busy, setBusy] = useState(false);
  const [cancelling, setCancelling] = useState(false);

  const toggle = (section: Section) =>
    setChosen((before) => {
      const next = new Set(before);
      if (next.has(section)) next.delete(section);
      else next.add(section);
      return next;
    });

  const run = async () => {
    setBusy(true);
    const sections = REPORT_SECTIONS.map(([s]) => s).filter((s) => chosen.has(s));
    await exportModel({ format: "pdf", diagram: null, tree: null, report: { paper, sections } });
    setBusy(false);
    onClose();
  };

  const cancel = async () => {
    if (!busy) return onClose();
    setCancelling(true);
    // Said first: should the file be finished before the engine hears of the cancel, the
    // export's own "Exported to …" replaces it. `run` ends (and closes) once the engine stops.
    useUi.getState().setStatus("Report cancelled: nothing was written");
    await cancelExport().catch(() => undefined);
  };

  return (
    <Dialog
      title="Report as PDF"
      onClose={() => !busy && onClose()}
      testId="report-dialog"
      actions={
        <>
          <button type="button" className="button" data-testid="report-cancel" disabled={cancelling} onClick={() => void cancel()}>
            Cancel
          </button>
          <button
            type="button"
            className="button button--primary"
            data-autofocus
            data-testid="report-export"
            disabled={busy || chosen.size === 0}
            onClick={() => void run()}
          >
            Export PDF…
          </button>
        </>
      }
    >
      <div className="report-dialog" aria-busy={busy}>
        <fieldset className="report-dialog__group" disabled={busy}>
          <legend>Sections</legend>
          <p className="report-dialog__hint">The cover and the contents are always there.</p>
          {REPORT_SECTIONS.map(([section, label]) => (
            <label key={section} className="report-dialog__option">
              <input type="checkbox" data-testid={`report-section-${section}`} checked={chosen.has(section)} onChange={() => toggle(section)} />
              {label}
            </label>
          ))}
        </fieldset>
        <fieldset className="report-dialog__group" disabled={busy}>
          <legend>Paper</legend>
          {PAPERS.map(([p, label]) => (
            <label key={p} className="report-dialog__option">
              <input type="radio" name="report-paper" data-testid={`report-paper-${p}`} checked={paper === p} onChange={() => setPaper(p)} />
              {label}
            </label>
          ))}
        </fieldset>
        {busy && (
          <p className="report-dialog__busy" role="status" data-testid="report-busy">
            <span className="report-dialog__spinner" aria-hidden="true" />
            {cancelling ? "Stopping…" : "Writing the PDF… Cancel stops it and writes nothing."}
          </p>
        )}
      </div>
    </Dialog>
  );
}
