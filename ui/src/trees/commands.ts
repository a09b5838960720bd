// Tree editor commands shared by the keyboard, the canvas and the inspector. Each builds one
// operation from the mirror when its turn comes, sends it, and moves the selection once
// the engine's patch is in.

import type { AttackNode } from "../api/bindings/AttackNode";
import type { Document } from "../api/bindings/Document";
import type { Operation } from "../api/bindings/Operation";
import { apply } from "../state/actions";
import { newId } from "../state/ids";
import { useModel } from "../state/model";
import { useUi } from "../state/ui";
import { addChildOp, addCountermeasureOp, addSiblingOp, addTreeOp, editNodeOp, parentsOfNode } from "./model";
import { useTree } from "./store";

const doc = (): Document | null => useModel.getState().model?.document ?? null;

/** Send the operation `build` makes from the mirror; select (and rename) `id` when it lands. */
async function addNode(id: string, build: (doc: Document) => Operation | null): Promise<boolean> {
  const ok = await apply(() => {
    const d = doc();
    return d ? build(d) : null;
  });
  if (ok) {
    useTree.getState().select(id);
    useTree.getState().rename(id);
  }
  return ok;
}

/** Add a tree and show it. */
export async function addTree(): Promise<void> {
  const id = newId();
  const ok = await apply(() => {
    const d = doc();
    return d ? addTreeOp(d, id) : null;
  });
  if (ok) useUi.getState().showTree(id);
}

/** The parent a node hangs under in the shown tree (its first, for a shared step). */
export function parentOf(d: Document, id: string): string | undefined {
  return parentsOfNode(d, id)[0];
}

/** Tab: a new child of the selected node. */
export function addChild(parent: string): Promise<boolean> {
  const id = newId();
  return addNode(id, (d) => addChildOp(d, parent, id));
}

/** Enter: a new sibling after the selected node (the goal has none). */
export function addSibling(node: string): Promise<boolean> {
  const id = newId();
  return addNode(id, (d) => {
    const parent = parentOf(d, node);
    return parent && d.attack_nodes[parent]?.children.includes(node) ? addSiblingOp(d, parent, node, id) : null;
  });
}

export function addCountermeasure(node: string): Promise<boolean> {
  const id = newId();
  return addNode(id, (d) => addCountermeasureOp(d, node, id));
}

/** Delete a node with what hangs only under it; the parent is selected after. The goal goes only with its tree. */
export async function deleteNode(id: string): Promise<void> {
  const d = doc();
  const node = d?.attack_nodes[id];
  if (!d || !node) return;
  if (d.attack_trees[node.tree]?.root === id) {
    useUi.getState().setStatus("The goal goes only with its tree: delete the tree's tab instead");
    return;
  }
  const parent = parentOf(d, id) ?? null;
  const ok = await apply({ op: "delete", keys: [{ kind: "attack_node", id }] });
  if (ok) useTree.getState().select(parent);
}

/** Edit one node (one put). */
export function editNode(id: string, edit: (node: AttackNode) => AttackNode, coalesce: string | null = null): Promise<boolean> {
  return apply(() => {
    const d = doc();
    return d ? editNodeOp(d, id, edit) : null;
  }, coalesce);
}

export const toggleCollapsed = (id: string) => editNode(id, (n) => ({ ...n, collapsed: !n.collapsed }));
export const toggleImplemented = (id: string) => editNode(id, (n) => ({ ...n, implemented: !n.implemented }));

/** Delete a tree with all its nodes (one operation); the diagram is shown after. */
export async function deleteTree(id: string): Promise<void> {
  const ok = await apply({ op: "delete", keys: [{ kind: "attack_tree", id }] });
  if (ok && useUi.getState().tree === id) useUi.getState().showTree(null);
}
