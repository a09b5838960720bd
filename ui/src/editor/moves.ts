// What a finished drag asks of the engine.

import type { Document } from "../api/bindings/Document";
import type { Operation } from "../api/bindings/Operation";
import { boundaryRects } from "./commands";
import { center, innermost, type Rect } from "./geometry";

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

/**
 * The operations for dragging `ids` by (dx, dy): one `translate`, then one `reparent` per
 * new parent for dragged shapes (not boundaries) whose centre now lies in another boundary.
 * The caller sends them with one coalesce key, so they make one undo step.
 */
export function moveOps(doc: Document, diagram: string, ids: string[], dx: number, dy: number): Operation[] {
  if (ids.length === 0 || (dx === 0 && dy === 0)) return [];
  const moving = withContents(doc, ids);
  const after = new Map<string, Rect>();
  for (const id of moving) {
    const layout = doc.layouts[id];
    if (layout) after.set(id, { ...layout, x: layout.x + dx, y: layout.y + dy });
  }
  const boundaries = boundaryRects(doc, diagram, after);
  const reparent = new Map<string | null, string[]>();
  for (const id of ids) {
    const element = doc.elements[id];
    const rect = after.get(id);
    if (!element || !rect || element.properties.kind === "trust_boundary" || element.properties.kind === "data_flow") continue;
    const parent = innermost(boundaries, center(rect));
    if (parent !== element.parent) reparent.set(parent, [...(reparent.get(parent) ?? []), id]);
  }
  return [
    { op: "translate", ids, dx, dy },
    ...[...reparent].map(([parent, group]): Operation => ({ op: "reparent", ids: group, parent })),
  ];
}
