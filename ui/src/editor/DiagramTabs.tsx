// The model's diagrams and attack trees as tabs over the canvas: click to show one,
// double-click to rename, × to delete (after a confirmation that says what goes with it),
// + to add a diagram, "+ Attack tree" to add a tree.

import { useState } from "react";

import type { Document } from "../api/bindings/Document";
import { ConfirmDialog } from "../components/Dialog";
import { useUi } from "../state/ui";
import { addTree, deleteTree } from "../trees/commands";
import { treeIds, treeName } from "../trees/model";
import { addDiagram, deleteDiagram } from "./commands";
import { diagramIds } from "./elements";
import { RenameInput } from "./RenameInput";

function diagramName(doc: Document, id: string): string {
  return doc.diagrams[id]?.name.trim() || "Unnamed diagram";
}

/** What deleting a diagram or a tree takes along, in words. */
function deletionMessage(doc: Document, id: string): string {
  if (doc.attack_trees[id]) {
    const steps = Object.values(doc.attack_nodes).filter((n) => n.tree === id).length;
    return `Delete the attack tree “${treeName(doc, id)}” and its ${steps} ${steps === 1 ? "node" : "nodes"}? Undo brings it back.`;
  }
  const count = Object.values(doc.elements).filter((e) => e.diagram === id).length;
  const what = count === 0 ? "It is empty." : `Its ${count} ${count === 1 ? "element goes" : "elements go"} with it.`;
  return `Delete the diagram “${diagramName(doc, id)}”? ${what} Undo brings it back.`;
}

export function DiagramTabs({ doc, shown }: { doc: Document; shown: string | null }) {
  const showDiagram = useUi((s) => s.showDiagram);
  const showTree = useUi((s) => s.showTree);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [doomed, setDoomed] = useState<string | null>(null);

  return (
    <div className="tabs" data-own-keys>
      <div className="tabs__list" role="tablist" aria-label="Diagrams">
        {diagramIds(doc).map((id) => {
          const name = diagramName(doc, id);
          const active = id === shown;
          return (
            <div key={id} className={`tab${active ? " is-active" : ""}`}>
              {renaming === id ? (
                <RenameInput recordKey={{ kind: "diagram", id }} name={doc.diagrams[id]?.name ?? ""} className="tab__input" onDone={() => setRenaming(null)} />
              ) : (
                <button
                  type="button"
                  role="tab"
                  className="tab__name"
                  aria-selected={active}
                  data-testid="diagram-tab"
                  data-id={id}
                  title={`${name} (double-click to rename)`}
                  onClick={() => showDiagram(id)}
                  onDoubleClick={() => setRenaming(id)}
                >
                  {name}
                </button>
              )}
              <button type="button" className="tab__delete" data-testid="delete-diagram" aria-label={`Delete diagram ${name}`} title="Delete this diagram" onClick={() => setDoomed(id)}>
                ×
              </button>
            </div>
          );
        })}
        {treeIds(doc).map((id) => {
          const name = treeName(doc, id);
          const active = id === shown;
          return (
            <div key={id} className={`tab tab--tree${active ? " is-active" : ""}`}>
              {renaming === id ? (
                <RenameInput recordKey={{ kind: "attack_tree", id }} name={doc.attack_trees[id]?.name ?? ""} className="tab__input" onDone={() => setRenaming(null)} />
              ) : (
                <button
                  type="button"
                  role="tab"
                  className="tab__name"
                  aria-selected={active}
                  data-testid="tree-tab"
                  data-id={id}
                  title={`Attack tree ${name} (double-click to rename)`}
                  onClick={() => showTree(id)}
                  onDoubleClick={() => setRenaming(id)}
                >
                  <span className="tab__icon" aria-hidden>
                    ⋔
                  </span>
                  {name}
                </button>
              )}
              <button type="button" className="tab__delete" data-testid="delete-tree" aria-label={`Delete attack tree ${name}`} title="Delete this attack tree" onClick={() => setDoomed(id)}>
                ×
              </button>
            </div>
          );
        })}
      </div>
      <button type="button" className="tabs__add" data-testid="add-diagram" aria-label="Add a diagram" title="Add a diagram" onClick={() => void addDiagram()}>
        +
      </button>
      <button type="button" className="tabs__add tabs__add--tree" data-testid="add-tree" title="Add an attack tree" onClick={() => void addTree()}>
        + Attack tree
      </button>
      {doomed && (
        <ConfirmDialog
          title={doc.attack_trees[doomed] ? "Delete attack tree" : "Delete diagram"}
          message={deletionMessage(doc, doomed)}
          confirm={doc.attack_trees[doomed] ? "Delete attack tree" : "Delete diagram"}
          onCancel={() => setDoomed(null)}
          onConfirm={() => {
            setDoomed(null);
            void (doc.attack_trees[doomed] ? deleteTree(doomed) : deleteDiagram(doomed));
          }}
        />
      )}
    </div>
  );
}
