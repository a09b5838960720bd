// Align and distribute selected shapes. Each arrangement is one `put` of layouts (see
// rearrangeOp), so it is one undo step.

import type { Document } from "../api/bindings/Document";
import type { Layout } from "../api/bindings/Layout";
import type { Operation } from "../api/bindings/Operation";
import { rearrangeOp } from "./moves";

export type Alignment = "left" | "center" | "right" | "top" | "middle" | "bottom";
export type Axis = "horizontal" | "vertical";

export const ALIGNMENTS: { value: Alignment; label: string }[] = [
  { value: "left", label: "Align left edges" },
  { value: "center", label: "Align centres" },
  { value: "right", label: "Align right edges" },
  { value: "top", label: "Align top edges" },
  { value: "middle", label: "Align middles" },
  { value: "bottom", label: "Align bottom edges" },
];

export const DISTRIBUTIONS: { value: Axis; label: string }[] = [
  { value: "horizontal", label: "Distribute horizontally" },
  { value: "vertical", label: "Distribute vertically" },
];

/** The selected shapes of `diagram` that have a place on it (flows have none of their own). */
export function arrangeable(doc: Document, diagram: string, ids: string[]): Layout[] {
  return ids.flatMap((id) => {
    const e = doc.elements[id];
    const layout = doc.layouts[id];
    return e && layout && e.diagram === diagram && e.properties.kind !== "data_flow" ? [layout] : [];
  });
}

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Where the top-left corner of `l` goes when aligned `how` within `box`. */
function aligned(l: Layout, how: Alignment, box: Box): { x: number; y: number } {
  switch (how) {
    case "left":
      return { x: box.left, y: l.y };
    case "center":
      return { x: (box.left + box.right) / 2 - l.width / 2, y: l.y };
    case "right":
      return { x: box.right - l.width, y: l.y };
    case "top":
      return { x: l.x, y: box.top };
    case "middle":
      return { x: l.x, y: (box.top + box.bottom) / 2 - l.height / 2 };
    case "bottom":
      return { x: l.x, y: box.bottom - l.height };
  }
}

/** Line up the shapes on one edge or centre line of the box around them all. Needs two. */
export function alignOp(doc: Document, diagram: string, ids: string[], how: Alignment): Operation | null {
  const shapes = arrangeable(doc, diagram, ids);
  if (shapes.length < 2) return null;
  const box: Box = {
    left: Math.min(...shapes.map((l) => l.x)),
    right: Math.max(...shapes.map((l) => l.x + l.width)),
    top: Math.min(...shapes.map((l) => l.y)),
    bottom: Math.max(...shapes.map((l) => l.y + l.height)),
  };
  const moves = new Map<string, { dx: number; dy: number }>();
  for (const l of shapes) {
    const to = aligned(l, how, box);
    moves.set(l.id, { dx: to.x - l.x, dy: to.y - l.y });
  }
  return rearrangeOp(doc, diagram, moves);
}

/**
 * Space the shapes evenly along an axis: the first and last stay, the gaps between
 * neighbours become equal. Needs three.
 */
export function distributeOp(doc: Document, diagram: string, ids: string[], axis: Axis): Operation | null {
  const shapes = arrangeable(doc, diagram, ids);
  if (shapes.length < 3) return null;
  const [pos, size] = axis === "horizontal" ? (["x", "width"] as const) : (["y", "height"] as const);
  const sorted = [...shapes].sort((a, b) => a[pos] + a[size] / 2 - (b[pos] + b[size] / 2) || a.id.localeCompare(b.id));
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const span = last[pos] + last[size] - first[pos];
  const gap = (span - sorted.reduce((sum, l) => sum + l[size], 0)) / (sorted.length - 1);
  const moves = new Map<string, { dx: number; dy: number }>();
  let at = first[pos];
  for (const l of sorted) {
    const d = at - l[pos];
    moves.set(l.id, axis === "horizontal" ? { dx: d, dy: 0 } : { dx: 0, dy: d });
    at += l[size] + gap;
  }
  return rearrangeOp(doc, diagram, moves);
}
