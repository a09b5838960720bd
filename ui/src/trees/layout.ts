// Where each node of a tree goes on the canvas: a top-down tidy layout. The goal is at the
// top; each parent sits centred over its children, countermeasures after the children. A
// step shared by several parents (a DAG) is placed under the first parent that reaches it
// and linked from the others. Collapsed subtrees are hidden. Pure geometry: no values.

import type { AttackNode } from "../api/bindings/AttackNode";
import type { Document } from "../api/bindings/Document";

export const NODE_W = 172;
export const NODE_H = 76;
export const COUNTER_H = 72;
const GAP_X = 20;
const GAP_Y = 72;

export interface Placed {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  depth: number;
  /** Nodes hidden below this one because it is collapsed (0 when expanded). */
  hidden: number;
}

export interface Link {
  from: string;
  to: string;
  /** A countermeasure hangs on its node; a child refines it. */
  kind: "child" | "countermeasure";
  /** False for the extra links of a shared step, drawn from its other parents. */
  primary: boolean;
}

export interface TreeLayout {
  nodes: Map<string, Placed>;
  /** The visible nodes in reading order (depth first), for the keyboard. */
  order: string[];
  links: Link[];
  width: number;
  height: number;
}

/** Count the nodes below `id` (each once), for the "N hidden" mark of a collapsed node. */
function descendants(doc: Document, id: string): number {
  const seen = new Set<string>();
  const stack = [id];
  while (stack.length > 0) {
    const n = doc.attack_nodes[stack.pop()!];
    for (const c of [...(n?.children ?? []), ...(n?.countermeasures ?? [])]) {
      if (!seen.has(c) && c !== id) {
        seen.add(c);
        stack.push(c);
      }
    }
  }
  return seen.size;
}

export function layoutTree(doc: Document, tree: string): TreeLayout {
  const root = doc.attack_trees[tree]?.root;
  const empty: TreeLayout = { nodes: new Map(), order: [], links: [], width: 0, height: 0 };
  if (!root || !doc.attack_nodes[root]) return empty;

  // The spanning tree: each node under the first parent that reaches it, depth first.
  const kids = new Map<string, string[]>();
  const depth = new Map<string, number>([[root, 0]]);
  const order: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const id = stack.pop()!;
    order.push(id);
    const n = doc.attack_nodes[id]!;
    const own: string[] = [];
    if (!n.collapsed) {
      for (const c of [...n.children, ...n.countermeasures]) {
        if (!depth.has(c) && doc.attack_nodes[c]) {
          depth.set(c, depth.get(id)! + 1);
          own.push(c);
        }
      }
    }
    kids.set(id, own);
    for (let i = own.length - 1; i >= 0; i -= 1) stack.push(own[i]!);
  }

  // Widths children first (reverse reading order), then x from the left, parents centred.
  const width = new Map<string, number>();
  for (let i = order.length - 1; i >= 0; i -= 1) {
    const id = order[i]!;
    const own = kids.get(id)!;
    const sum = own.reduce((s, c) => s + width.get(c)!, 0) + GAP_X * Math.max(0, own.length - 1);
    width.set(id, Math.max(NODE_W, sum));
  }
  const nodes = new Map<string, Placed>();
  const left = new Map<string, number>([[root, 0]]);
  let bottom = 0;
  for (const id of order) {
    const n = doc.attack_nodes[id]!;
    const x0 = left.get(id)!;
    const w = width.get(id)!;
    const d = depth.get(id)!;
    const height = n.role === "defense" ? COUNTER_H : NODE_H;
    const y = d * (NODE_H + GAP_Y);
    nodes.set(id, { id, x: x0 + (w - NODE_W) / 2, y, width: NODE_W, height, depth: d, hidden: n.collapsed ? descendants(doc, id) : 0 });
    bottom = Math.max(bottom, y + height);
    const own = kids.get(id)!;
    const used = own.reduce((s, c) => s + width.get(c)!, 0) + GAP_X * Math.max(0, own.length - 1);
    let x = x0 + (w - used) / 2;
    for (const c of own) {
      left.set(c, x);
      x += width.get(c)! + GAP_X;
    }
  }

  const links: Link[] = [];
  for (const id of order) {
    const n = doc.attack_nodes[id]!;
    if (n.collapsed) continue;
    const primary = new Set(kids.get(id));
    for (const c of n.children) if (nodes.has(c)) links.push({ from: id, to: c, kind: "child", primary: primary.has(c) });
    for (const c of n.countermeasures) if (nodes.has(c)) links.push({ from: id, to: c, kind: "countermeasure", primary: primary.has(c) });
  }
  return { nodes, order, links, width: width.get(root)!, height: bottom };
}

/** Whether two versions of a node place the same: the layout reads only these. */
function samePlace(a: AttackNode, b: AttackNode): boolean {
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.tree === b.tree && a.role === b.role && a.collapsed === b.collapsed && same(a.children, b.children) && same(a.countermeasures, b.countermeasures);
}

/**
 * Whether `tree` lays out the same in `after` as in `before`. The mirror keeps unchanged
 * records as they were, so this is mostly identity checks: an attribute edit in a tree of
 * thousands of nodes keeps its layout instead of computing it again.
 */
export function sameLayout(before: Document, after: Document, tree: string): boolean {
  if (before.attack_trees[tree]?.root !== after.attack_trees[tree]?.root) return false;
  if (before.attack_nodes === after.attack_nodes) return true;
  const differs = (a: AttackNode | undefined, b: AttackNode | undefined) =>
    a !== b && (a?.tree === tree || b?.tree === tree) && !(a && b && samePlace(a, b));
  for (const id in after.attack_nodes) if (differs(before.attack_nodes[id], after.attack_nodes[id])) return false;
  for (const id in before.attack_nodes) if (!(id in after.attack_nodes) && differs(before.attack_nodes[id], undefined)) return false;
  return true;
}

let last: { doc: Document; tree: string; layout: TreeLayout } | null = null;

/** `layoutTree`, kept from the last call while the tree lays out the same. */
export function cachedLayout(doc: Document, tree: string): TreeLayout {
  if (!last || last.tree !== tree || !sameLayout(last.doc, doc, tree)) last = { doc, tree, layout: layoutTree(doc, tree) };
  else last.doc = doc;
  return last.layout;
}

/** The node a keyboard move reaches: up to the parent, down to the first child, left and right along the row. */
export function neighbour(layout: TreeLayout, from: string, direction: "up" | "down" | "left" | "right", parentOf: (id: string) => string | undefined): string | null {
  const here = layout.nodes.get(from);
  if (!here) return null;
  if (direction === "up") return parentOf(from) ?? null;
  if (direction === "down") {
    const child = layout.links.find((l) => l.from === from && l.primary);
    return child?.to ?? null;
  }
  const row = [...layout.nodes.values()].filter((p) => p.depth === here.depth).sort((a, b) => a.x - b.x);
  const at = row.findIndex((p) => p.id === from);
  const next = row[direction === "left" ? at - 1 : at + 1];
  return next?.id ?? null;
}
