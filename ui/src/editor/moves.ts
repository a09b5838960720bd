// What moving shapes asks of the engine: a finished drag, a new arrangement (align,
// distribute, automatic layout), and the containment that follows from where shapes land.

import type { Document } from "../api/bindings/Document";
import type { Layout } from "../api/bindings/Layout";
import type { Operation } from "../api/bindings/Operation";
import type { Record as ModelRecord } from "../api/bindings/Record";
import { boundaryRects } from "./commands";
import { center, freeSpot, innermost, type Rect } from "./geometry";

/** `ids` and every element inside them, at any depth (what a moved boundary carries along). */
export function withContents(doc: Document, ids: Iterable<string>): Set<string> {
  const moving = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of Object.values(doc.elements)) {
      if (e.parent && moving.has(e.parent) && !moving.has(e.id)) {
        moving.add(e.id);
        grew = true;
      }
    }
  }
  return moving;
}

/** A layout moved by (dx, dy), its points included. */
export function shifted(layout: Layout, dx: number, dy: number): Layout {
  const moved: Layout = { ...layout, x: layout.x + dx, y: layout.y + dy };
  if (layout.points) moved.points = layout.points.map((p) => ({ x: p.x + dx, y: p.y + dy }));
  return moved;
}

/**
 * The new parents of the moved shapes among `ids` (not boundaries, not flows) whose centre
 * now lies in another boundary, with every rectangle in `after` replacing its layout.
 */
function containmentChanges(doc: Document, diagram: string, ids: string[], after: Map<string, Rect>): Map<string, string | null> {
  const boundaries = boundaryRects(doc, diagram, after);
  const changes = new Map<string, string | null>();
  for (const id of ids) {
    const element = doc.elements[id];
    const rect = after.get(id);
    if (!element || !rect || element.properties.kind === "trust_boundary" || element.properties.kind === "data_flow") continue;
    const parent = innermost(boundaries, center(rect));
    if (parent !== element.parent) changes.set(id, parent);
  }
  return changes;
}

/**
 * The operations for dragging `ids` by (dx, dy): one `translate`, then one `reparent` per
 * new parent for dragged shapes (not boundaries) whose centre now lies in another boundary.
 * The caller sends them with one coalesce key, so they make one undo step.
 */
export function moveOps(doc: Document, diagram: string, ids: string[], dx: number, dy: number): Operation[] {
  if (ids.length === 0 || (dx === 0 && dy === 0)) return [];
  const after = new Map<string, Rect>();
  for (const id of withContents(doc, ids)) {
    const layout = doc.layouts[id];
    if (layout) after.set(id, shifted(layout, dx, dy));
  }
  const reparent = new Map<string | null, string[]>();
  for (const [id, parent] of containmentChanges(doc, diagram, ids, after)) reparent.set(parent, [...(reparent.get(parent) ?? []), id]);
  return [
    { op: "translate", ids, dx, dy },
    ...[...reparent].map(([parent, group]): Operation => ({ op: "reparent", ids: group, parent })),
  ];
}

/**
 * One `put` that moves shapes by their own distances (`moves`, by id): what each holds moves
 * along with its nearest moved ancestor, and a moved shape that lands in another boundary
 * changes parent in the same put. Null when nothing moves.
 */
export function rearrangeOp(doc: Document, diagram: string, moves: Map<string, { dx: number; dy: number }>): Operation | null {
  const distance = (id: string): { dx: number; dy: number } | null => {
    let current: string | null = id;
    for (let depth = 0; current && depth < 64; depth += 1) {
      const own = moves.get(current);
      if (own) return own;
      current = doc.elements[current]?.parent ?? null;
    }
    return null;
  };
  const layouts: Layout[] = [];
  for (const id of withContents(doc, moves.keys())) {
    const layout = doc.layouts[id];
    const d = distance(id);
    if (layout && d && (d.dx !== 0 || d.dy !== 0)) layouts.push(shifted(layout, d.dx, d.dy));
  }
  if (layouts.length === 0) return null;
  const after = new Map<string, Rect>(layouts.map((l) => [l.id, l]));
  const records: ModelRecord[] = layouts.map((value) => ({ type: "layout", value }));
  for (const [id, parent] of containmentChanges(doc, diagram, [...moves.keys()], after)) {
    records.push({ type: "element", value: { ...doc.elements[id]!, parent } });
  }
  return { op: "put", records };
}

/** The selected shapes of `diagram` that no other selected shape holds (moving those moves the rest). */
export function outermost(doc: Document, diagram: string, ids: string[]): string[] {
  const selected = new Set(ids);
  return ids.filter((id) => {
    const e = doc.elements[id];
    if (!e || e.diagram !== diagram || e.properties.kind === "data_flow" || !doc.layouts[id]) return false;
    for (let p = e.parent, depth = 0; p && depth < 64; p = doc.elements[p]?.parent ?? null, depth += 1) if (selected.has(p)) return false;
    return true;
  });
}

function boundsOf(rects: Rect[]): Rect {
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  return { x, y, width: Math.max(...rects.map((r) => r.x + r.width)) - x, height: Math.max(...rects.map((r) => r.y + r.height)) - y };
}

/**
 * Move shapes, as a group, to a free spot of `region` and into `parent` (null: out of every
 * boundary): a `translate` and a `reparent`, to be sent with one coalesce key. `region`'s
 * own shapes are avoided, except `parent` and what holds it.
 */
function relocateOps(doc: Document, diagram: string, ids: string[], region: Rect, parent: string | null): Operation[] {
  const group = outermost(doc, diagram, ids);
  if (group.length === 0) return [];
  const moving = withContents(doc, group);
  const around = new Set<string>();
  for (let p = parent, depth = 0; p && depth < 64; p = doc.elements[p]?.parent ?? null, depth += 1) around.add(p);
  const occupied = Object.values(doc.elements)
    .filter((e) => e.diagram === diagram && !moving.has(e.id) && !around.has(e.id) && e.properties.kind !== "data_flow")
    .flatMap((e) => (doc.layouts[e.id] ? [doc.layouts[e.id]!] : []));
  const bounds = boundsOf(group.map((id) => doc.layouts[id]!));
  const at = freeSpot(region, occupied, { width: bounds.width, height: bounds.height }, 0);
  return [
    { op: "translate", ids: group, dx: at.x - bounds.x, dy: at.y - bounds.y },
    { op: "reparent", ids: group, parent },
  ];
}

/** Move the selected shapes into `boundary`, at a free spot inside it. */
export function moveIntoOps(doc: Document, diagram: string, ids: string[], boundary: string): Operation[] {
  const rect = doc.layouts[boundary];
  return rect ? relocateOps(doc, diagram, ids, rect, boundary) : [];
}

/**
 * Move the selected shapes out of the boundary that holds them all, to a free spot in its
 * own boundary, or beside it when it is outermost.
 */
export function moveOutOps(doc: Document, diagram: string, ids: string[]): Operation[] {
  const group = outermost(doc, diagram, ids);
  const holder = doc.elements[group[0] ?? ""]?.parent;
  if (!holder || group.some((id) => doc.elements[id]?.parent !== holder)) return [];
  const box = doc.layouts[holder];
  if (!box) return [];
  const outer = doc.elements[holder]?.parent ?? null;
  const outerRect = outer ? doc.layouts[outer] : undefined;
  const bounds = boundsOf(group.map((id) => doc.layouts[id]!));
  const beside: Rect = { x: box.x + box.width, y: box.y, width: bounds.width + 200, height: Math.max(box.height, bounds.height + 80) };
  return relocateOps(doc, diagram, ids, outerRect ?? beside, outer);
}
