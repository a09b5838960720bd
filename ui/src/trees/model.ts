// Reading attack trees from the mirror and building the operations that change them. Every
// edit is one engine operation (one undo step); the engine checks it (no cycle, a
// countermeasure of the other side, values in range) and may refuse it.

import type { AttackNode } from "../api/bindings/AttackNode";
import type { AttackTree } from "../api/bindings/AttackTree";
import type { Attributes } from "../api/bindings/Attributes";
import type { Document } from "../api/bindings/Document";
import type { Gate } from "../api/bindings/Gate";
import type { Operation } from "../api/bindings/Operation";
import type { Role } from "../api/bindings/Role";
import { firstFreeName } from "../editor/elements";
import { newId } from "../state/ids";

/** The model's trees, in the order they were made (ids are time-ordered). */
export function treeIds(doc: Document): string[] {
  return Object.keys(doc.attack_trees ?? {}).sort();
}

export function treeName(doc: Document, id: string): string {
  return doc.attack_trees[id]?.name.trim() || "Unnamed attack tree";
}

/** A node's label as shown, never empty. */
export function nodeLabel(node: AttackNode | undefined): string {
  return node?.label.trim() || (node?.role === "defense" ? "Unnamed countermeasure" : "Unnamed step");
}

/** True when the node is an attack step (or a basic countermeasure): no children to combine. */
export function isLeaf(node: AttackNode): boolean {
  return node.children.length === 0 || node.gate === "leaf";
}

const NO_ATTRIBUTES: Attributes = { cost: null, probability: null, time: null, skill: null, detectability: null };

function blankNode(tree: string, label: string, role: Role, id: string): AttackNode {
  return {
    id,
    tree,
    label,
    description: "",
    role,
    gate: "leaf",
    children: [],
    countermeasures: [],
    attributes: { ...NO_ATTRIBUTES },
    implemented: false,
    mitigation: null,
    links: [],
    collapsed: false,
  };
}

const put = (...nodes: AttackNode[]): Operation => ({ op: "put", records: nodes.map((value) => ({ type: "attack_node" as const, value })) });

/** A new tree "Attack tree N" whose goal has the same name. */
export function addTreeOp(doc: Document, id: string = newId(), root: string = newId()): Operation {
  const names = Object.values(doc.attack_trees ?? {}).map((t) => t.name);
  const name = firstFreeName("Attack tree", new Set(names), names.length + 1);
  const tree: AttackTree = { id, name, description: "", root };
  return {
    op: "put",
    records: [
      { type: "attack_tree", value: tree },
      { type: "attack_node", value: blankNode(id, name, "attack", root) },
    ],
  };
}

/** A parent that combines children: a step that gets its first child becomes an OR. */
function asGate(node: AttackNode): AttackNode {
  return node.gate === "leaf" ? { ...node, gate: "or" } : node;
}

/** A new last child of `parent`, on the parent's side. */
export function addChildOp(doc: Document, parent: string, id: string = newId()): Operation | null {
  const p = doc.attack_nodes[parent];
  if (!p) return null;
  const child = blankNode(p.tree, p.role === "defense" ? "New control" : "New step", p.role, id);
  return put({ ...asGate(p), children: [...p.children, id] }, child);
}

/** A new sibling right after `node` under `parent`. */
export function addSiblingOp(doc: Document, parent: string, node: string, id: string = newId()): Operation | null {
  const p = doc.attack_nodes[parent];
  if (!p) return null;
  const at = p.children.indexOf(node);
  if (at < 0) return null;
  const children = [...p.children];
  children.splice(at + 1, 0, id);
  return put({ ...p, children }, blankNode(p.tree, p.role === "defense" ? "New control" : "New step", p.role, id));
}

/** A countermeasure against `node`: a defence against an attack, a counter-attack against a defence. */
export function addCountermeasureOp(doc: Document, node: string, id: string = newId()): Operation | null {
  const n = doc.attack_nodes[node];
  if (!n) return null;
  const role: Role = n.role === "attack" ? "defense" : "attack";
  const label = role === "defense" ? "New countermeasure" : "New counter-attack";
  return put({ ...n, countermeasures: [...n.countermeasures, id] }, blankNode(n.tree, label, role, id));
}

/** Reuse an existing step of the same tree under `parent` as well (the tree becomes a DAG). */
export function linkChildOp(doc: Document, parent: string, child: string): Operation | null {
  const p = doc.attack_nodes[parent];
  if (!p || p.children.includes(child)) return null;
  return put({ ...asGate(p), children: [...p.children, child] });
}

/** Take `child` out of `parent` only (a shared step stays under its other parents). */
export function unlinkChildOp(doc: Document, parent: string, child: string): Operation | null {
  const p = doc.attack_nodes[parent];
  if (!p || !p.children.includes(child)) return null;
  return put({ ...p, children: p.children.filter((c) => c !== child) });
}

/** Replace one node with an edited copy. */
export function editNodeOp(doc: Document, id: string, edit: (node: AttackNode) => AttackNode): Operation | null {
  const n = doc.attack_nodes[id];
  return n ? put(edit(n)) : null;
}

export function setGate(node: AttackNode, gate: Gate): AttackNode {
  return { ...node, gate };
}

export function setAttribute<K extends keyof Attributes>(node: AttackNode, key: K, value: Attributes[K]): AttackNode {
  return { ...node, attributes: { ...node.attributes, [key]: value } };
}

/** The parents of every node of `tree` (by children and by countermeasures), in document order. */
export function parentsOf(doc: Document, tree: string): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const n of Object.values(doc.attack_nodes)) {
    if (n.tree !== tree) continue;
    for (const c of [...n.children, ...n.countermeasures]) {
      const list = parents.get(c);
      if (list) list.push(n.id);
      else parents.set(c, [n.id]);
    }
  }
  return parents;
}

/**
 * The parents of one node in its tree (by children and by countermeasures), in document
 * order. A scan without building the whole map: the inspector asks after every edit, in
 * trees of thousands of nodes.
 */
export function parentsOfNode(doc: Document, id: string): string[] {
  const tree = doc.attack_nodes[id]?.tree;
  const parents: string[] = [];
  for (const pid in doc.attack_nodes) {
    const n = doc.attack_nodes[pid]!;
    if (n.tree === tree && (n.children.includes(id) || n.countermeasures.includes(id))) parents.push(pid);
  }
  return parents;
}

/** The steps of `tree` that may become children of `parent` without a cycle: not itself, not above it, not already its children. */
export function linkableSteps(doc: Document, tree: string, parent: string): AttackNode[] {
  const p = doc.attack_nodes[parent];
  if (!p) return [];
  const parents = parentsOf(doc, tree);
  const above = new Set<string>([parent]);
  const stack = [parent];
  while (stack.length > 0) {
    for (const up of parents.get(stack.pop()!) ?? []) {
      if (!above.has(up)) {
        above.add(up);
        stack.push(up);
      }
    }
  }
  return Object.values(doc.attack_nodes)
    .filter((n) => n.tree === tree && n.role === p.role && !above.has(n.id) && !p.children.includes(n.id))
    .sort((a, b) => nodeLabel(a).localeCompare(nodeLabel(b)));
}
