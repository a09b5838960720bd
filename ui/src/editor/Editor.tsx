import { useEffect, useMemo, useRef, useState } from "react";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";

import type { Snapshot } from "../api/bindings/Snapshot";
import { AnalysisPanel } from "../analysis/AnalysisPanel";
import { useAnalysis } from "../state/analysis";
import { useUi } from "../state/ui";
import { Canvas, FIT_VIEW } from "./Canvas";
import { CheatSheet } from "./CheatSheet";
import { DiagramTabs } from "./DiagramTabs";
import { autoLayout } from "./editing";
import { shownDiagram } from "./elements";
import { FindBar } from "./FindBar";
import { Inspector } from "./Inspector";
import { editorShortcuts, KEYS, keyLabel, runShortcut, type ViewCommands } from "./keymap";
import { Palette } from "./Palette";
import { Toolbar } from "./Toolbar";
import { useClipboardEvents } from "./useClipboardEvents";
import { TreeEditor } from "../trees/TreeEditor";

export function Editor({ model }: { model: Snapshot }) {
  return (
    <ReactFlowProvider>
      <EditorFrame model={model} />
    </ReactFlowProvider>
  );
}

function EditorFrame({ model }: { model: Snapshot }) {
  const canvasRef = useRef<HTMLDivElement>(null);
  const status = useUi((s) => s.status);
  const picked = useUi((s) => s.diagram);
  const pickedTree = useUi((s) => s.tree);
  const tree = pickedTree && model.document.attack_trees[pickedTree] ? pickedTree : null;
  const panel = useUi((s) => s.panel);
  const annotations = useAnalysis((s) => s.annotations);
  const diagram = shownDiagram(model.document, picked);
  const flow = useReactFlow();
  const [finding, setFinding] = useState(false);
  const [showingKeys, setShowingKeys] = useState(false);

  const view: ViewCommands = useMemo(
    () => ({
      fitView: () => void flow.fitView({ ...FIT_VIEW, duration: 200 }),
      find: () => setFinding(true),
      showShortcuts: () => setShowingKeys(true),
      autoLayout: () => void autoLayout().then((laidOut) => laidOut && useUi.getState().requestFit()),
    }),
    [flow],
  );
  const shortcuts = useMemo(() => editorShortcuts(view), [view]);

  useEffect(() => {
    // An attack tree has its own keys (trees/TreeCanvas.tsx): there, only the shortcuts that
    // are not about the hidden diagram apply.
    const global = new Set([...KEYS.undo, ...KEYS.redo, ...KEYS.findings, ...KEYS.threats]);
    const inTree = shortcuts.filter((s) => s.chords.some((c) => global.has(c.spec)));
    const onKey = (e: KeyboardEvent) => runShortcut(useUi.getState().tree ? inTree : shortcuts, e);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [shortcuts]);
  useClipboardEvents();

  return (
    <div className="editor">
      <Toolbar model={model} diagram={diagram} view={view} treeShown={tree !== null} />
      <div className="editor__body">
        {!tree && <Palette canvasRef={canvasRef} />}
        <div className="editor__main">
          <DiagramTabs doc={model.document} shown={tree ?? diagram} />
          {tree ? (
            <TreeEditor doc={model.document} tree={tree} />
          ) : (
            <main className="editor__canvas" ref={canvasRef} aria-label="Diagram">
              {diagram ? (
                <Canvas key={`${model.path}#${diagram}`} doc={model.document} diagram={diagram} view={view} annotations={annotations} />
              ) : (
                <div className="empty-note">This model has no diagram. Add one with + above.</div>
              )}
              {finding && <FindBar doc={model.document} diagram={diagram} onClose={() => setFinding(false)} />}
            </main>
          )}
          {panel && <AnalysisPanel doc={model.document} panel={panel} />}
        </div>
        {!tree && <Inspector doc={model.document} diagram={diagram} />}
      </div>
      <footer className="statusbar">
        <span data-testid="status" role="status">
          {status}
        </span>
        <span className="statusbar__hint">
          Double-click to rename · Right-click for commands · Shift+drag to select · {keyLabel(KEYS.shortcuts)} for all shortcuts
        </span>
      </footer>
      {showingKeys && <CheatSheet shortcuts={shortcuts} onClose={() => setShowingKeys(false)} />}
    </div>
  );
}
