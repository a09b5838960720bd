import type { Snapshot } from "../api/bindings/Snapshot";
import { closeModel, redo, saveAs, undo } from "../state/actions";
import { useUi } from "../state/ui";
import { connectablePair, connectSelected } from "./commands";

const MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

export function Toolbar({ model }: { model: Snapshot }) {
  const selection = useUi((s) => s.selection);
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
        <span className="toolbar__separator" aria-hidden="true" />
        <button type="button" className="button" data-testid="save-as" onClick={() => void saveAs()}>
          Save as…
        </button>
        <button type="button" className="button" data-testid="close-model" onClick={() => void closeModel()}>
          Close
        </button>
      </div>
    </header>
  );
}

export function fileStem(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.[^.]+$/, "");
}
