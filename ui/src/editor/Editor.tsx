import { useEffect, useRef } from "react";
import { ReactFlowProvider } from "@xyflow/react";

import type { Snapshot } from "../api/bindings/Snapshot";
import { redo, undo } from "../state/actions";
import { useUi } from "../state/ui";
import { Canvas } from "./Canvas";
import { deleteSelection, renameSelection } from "./commands";
import { firstDiagramId } from "./elements";
import { Palette } from "./Palette";
import { Toolbar } from "./Toolbar";

/** True when a key press belongs to a text field rather than to the editor. */
function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

/** Keyboard shortcuts of the editor. */
export function onEditorKey(e: KeyboardEvent): void {
  if (e.defaultPrevented || typing(e.target)) return;
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && !e.altKey && key === "z") {
    e.preventDefault();
    void (e.shiftKey ? redo() : undo());
  } else if (mod && !e.altKey && !e.shiftKey && key === "y") {
    e.preventDefault();
    void redo();
  } else if (!mod && (e.key === "Delete" || e.key === "Backspace")) {
    e.preventDefault();
    void deleteSelection();
  } else if (!mod && (e.key === "F2" || e.key === "Enter")) {
    // Enter on a focused button presses the button instead.
    if (e.key === "Enter" && e.target instanceof HTMLElement && e.target.closest("button, a, [role=button]")) return;
    if (renameSelection()) e.preventDefault();
  } else if (e.key === "Escape") {
    useUi.getState().setSelection([]);
  }
}

export function Editor({ model }: { model: Snapshot }) {
  const canvasRef = useRef<HTMLDivElement>(null);
  const status = useUi((s) => s.status);
  const diagram = firstDiagramId(model.document);

  useEffect(() => {
    window.addEventListener("keydown", onEditorKey);
    return () => window.removeEventListener("keydown", onEditorKey);
  }, []);

  return (
    <ReactFlowProvider>
      <div className="editor">
        <Toolbar model={model} />
        <div className="editor__body">
          <Palette canvasRef={canvasRef} />
          <main className="editor__canvas" ref={canvasRef} aria-label="Diagram">
            {diagram ? (
              <Canvas key={`${model.path}#${diagram}`} doc={model.document} diagram={diagram} />
            ) : (
              <div className="empty-note">This model has no diagram.</div>
            )}
          </main>
        </div>
        <footer className="statusbar">
          <span data-testid="status" role="status">
            {status}
          </span>
          <span className="statusbar__hint">
            Double-click or F2 to rename · Delete to remove · Scroll to zoom · Drag the background to pan
          </span>
        </footer>
      </div>
    </ReactFlowProvider>
  );
}
