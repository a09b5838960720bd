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
  const tabs = [
    ...diagramIds(doc).map((id) => ({ id, tree: false, name: diagramName(doc, id), stored: doc.diagrams[id]?.name ?? "" })),
    ...treeIds(doc).map((id) => ({ id, tree: true, name: treeName(doc, id), stored: doc.attack_trees[id]?.name ?? "" })),
  ];

  return (
    <div className="tabs" data-own-keys>
      <div className="tabs__list" role="tablist" aria-label="Diagrams">
        {tabs.map(({ id, tree, name, stored }) => {
          const active = id === shown;
          const what = tree ? "attack tree" : "diagram";
          return (
            <div key={id} className={`tab${tree ? " tab--tree" : ""}${active ? " is-active" : ""}`}>
              {renaming === id ? (
                <RenameInput recordKey={{ kind: tree ? "attack_tree" : "diagram", id }} name={stored} className="tab__input" onDone={() => setRenaming(null)} />
              ) : (
                <button
                  type="button"
                  role="tab"
                  className="tab__name"
                  aria-selected={active}
                  data-testid={tree ? "tree-tab" : "diagram-tab"}
                  data-id={id}
                  title={`${tree ? "Attack tree " : ""}${name} (double-click to rename)`}
                  onClick={() => (tree ? showTree(id) : showDiagram(id))}
                  onDoubleClick={() => setRenaming(id)}
                >
                  {tree && (
                    <span className="tab__icon" aria-hidden>
                      ⋔
                    </span>
                  )}
                  {name}
                </button>
              )}
              <button
                type="button"
                className="tab__delete"
                data-testid={tree ? "delete-tree" : "delete-diagram"}
                aria-label={`Delete ${what} ${name}`}
                title={`Delete this ${what}`}
                onClick={() => setDoomed(id)}
              >
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
