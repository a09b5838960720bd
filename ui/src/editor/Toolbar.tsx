import type { Snapshot } from "../api/bindings/Snapshot";
import { redo, undo } from "../state/actions";
import { useAnalysis } from "../state/analysis";
import { useUi } from "../state/ui";
import { connectablePair, connectSelected } from "./commands";
import { FileMenu } from "./FileMenu";
import { KEYS, keyLabel, MAC, type ViewCommands } from "./keymap";

/** `treeShown`: an attack tree is shown in place of the diagram, which the diagram's own commands must not change unseen. */
export function Toolbar({ model, diagram, view, treeShown }: { model: Snapshot; diagram: string | null; view: ViewCommands; treeShown: boolean }) {
  const selection = useUi((s) => s.selection);
  const panel = useUi((s) => s.panel);
  const overview = useAnalysis((s) => s.overview);
  const findings = overview?.validation.findings ?? [];
  const worstFinding = findings.some((f) => f.severity === "error") ? "error" : findings.some((f) => f.severity === "warning") ? "warning" : "info";
  const { history, document, path } = model;
  const pair = connectablePair(document, selection);
  const name = document.metadata.name.trim() || fileStem(path);

  return (
    <header className="toolbar">
      <div className="toolbar__title">
        <span className="brand-mark" aria-hidden="true" />
        <div className="toolbar__names">
          <h1 className="toolbar__name" data-testid="model-name" title={name}>
            {name}
          </h1>
          <div className="toolbar__path" data-testid="model-path" title={path}>
            {path}
          </div>
        </div>
      </div>
      <div className="toolbar__actions" role="toolbar" aria-label="Model">
        <FileMenu doc={document} diagram={diagram} />
        <span className="toolbar__separator" aria-hidden="true" />
        <div className="button-group">
          <button
            type="button"
            className="button button--icon"
            data-testid="undo"
            disabled={history.undo === null}
            title={history.undo !== null ? `Undo ${history.undo}` : "Nothing to undo"}
            aria-keyshortcuts={MAC ? "Meta+Z" : "Control+Z"}
            aria-label={history.undo !== null ? `Undo ${history.undo}` : "Undo"}
            onClick={() => void undo()}
          >
            <span className="icon icon--undo" aria-hidden="true" />
            Undo
          </button>
          <button
            type="button"
            className="button button--icon"
            data-testid="redo"
            disabled={history.redo === null}
            title={history.redo !== null ? `Redo ${history.redo}` : "Nothing to redo"}
            aria-keyshortcuts={MAC ? "Meta+Shift+Z" : "Control+Y Control+Shift+Z"}
            aria-label={history.redo !== null ? `Redo ${history.redo}` : "Redo"}
            onClick={() => void redo()}
          >
            <span className="icon icon--redo" aria-hidden="true" />
            Redo
          </button>
        </div>
        <button
          type="button"
          className="button"
          data-testid="connect-selected"
          disabled={!pair}
          onMouseDown={(e) => e.preventDefault()}
          title={pair ? "Draw a data flow from the first selected shape to the second" : "Select two shapes to connect them"}
          onClick={() => void connectSelected()}
        >
          Connect
        </button>
        <button
          type="button"
          className="button"
          data-testid="auto-layout"
          disabled={!diagram || treeShown}
          title={
            treeShown
              ? "Auto layout arranges a diagram: show one of the diagrams first (an attack tree lays itself out)"
              : `Lay the diagram out automatically, boundaries and all (${keyLabel(KEYS.autoLayout)}); undo puts it back`
          }
          onClick={view.autoLayout}
        >
          Auto layout
        </button>
        <span className="toolbar__separator" aria-hidden="true" />
        <button
          type="button"
          className={`button${panel === "findings" ? " button--pressed" : ""}`}
          data-testid="findings-button"
          aria-pressed={panel === "findings"}
          title={`Validation findings: what is wrong or missing in the diagram (${keyLabel(KEYS.findings)})`}
          onClick={() => useUi.getState().togglePanel("findings")}
        >
          Findings
          {findings.length > 0 && (
            <span className={`count count--${worstFinding}`} data-testid="findings-count">
              {findings.length}
            </span>
          )}
        </button>
        <button
          type="button"
          className={`button${panel === "threats" ? " button--pressed" : ""}`}
          data-testid="threats-button"
          aria-pressed={panel === "threats"}
          title={`The threat register: every threat, what was decided, by whom (${keyLabel(KEYS.threats)})${overview ? `; ${overview.undecided} still need a decision` : ""}`}
          onClick={() => useUi.getState().togglePanel("threats")}
        >
          Threats
          {overview && overview.threat_count > 0 && (
            <span className="count" data-testid="threats-count">
              {overview.threat_count}
            </span>
          )}
        </button>
        <span className="toolbar__separator" aria-hidden="true" />
        <button type="button" className="button" data-testid="find-button" title={`Find an element by name (${keyLabel(KEYS.find)})`} onClick={view.find}>
          Find
        </button>
        <button
          type="button"
          className="button button--icon-only"
          data-testid="shortcuts-button"
          aria-label="Keyboard shortcuts"
          title={`Keyboard shortcuts (${keyLabel(KEYS.shortcuts)})`}
          onClick={view.showShortcuts}
        >
          ?
        </button>
      </div>
    </header>
  );
}

export function fileStem(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.[^.]+$/, "");
}
