// The attack-tree editor, shown in place of the DFD canvas when a tree's tab is active: the
// analysis side panel, the tree canvas and the node inspector, and presentation mode
// (F5). The engine analyses the tree again after every change to it.

import { useEffect } from "react";

import type { Document } from "../api/bindings/Document";
import { watchTree } from "../state/actions";
import { Presentation } from "./Presentation";
import { KEYS_HELP, TreeCanvas } from "./TreeCanvas";
import { TreeInspector } from "./TreeInspector";
import { TreePanel } from "./TreePanel";
import { refreshTree, treeWatcher, useTree } from "./store";
import "./trees.css";

export function TreeEditor({ doc, tree }: { doc: Document; tree: string }) {
  const presenting = useTree((s) => s.presenting);
  const profile = useTree((s) => s.profile);
  const overrides = useTree((s) => s.overrides);
  const root = doc.attack_trees[tree]?.root ?? null;

  // Another tree starts afresh, its goal selected and the keyboard on the canvas.
  useEffect(() => {
    useTree.getState().open(tree, root);
    document.querySelector<HTMLElement>('[data-testid="tree-canvas"]')?.focus();
  }, [tree, root]);

  // Edits, undo and redo bring the tree's analysis with their patch.
  useEffect(() => {
    watchTree(treeWatcher);
    return () => watchTree(null);
  }, []);
  // Another tree, profile or try asks for it.
  useEffect(() => {
    void refreshTree();
  }, [tree, profile, overrides]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "F5" && !useTree.getState().presenting) {
        e.preventDefault();
        useTree.getState().present(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="tree-editor" data-testid="tree-editor">
      <TreePanel currency={doc.metadata.currency} />
      <main className="tree-editor__canvas" aria-label="Attack tree">
        <TreeCanvas doc={doc} tree={tree} />
        <p className="tree-editor__hint">{KEYS_HELP}</p>
      </main>
      <TreeInspector doc={doc} />
      {presenting && <Presentation doc={doc} tree={tree} />}
    </div>
  );
}
