// Editor commands shared by the palette, the toolbar, the canvas and the keyboard. Each
// reads the mirror, builds one operation and sends it; the mirror changes only when the
// engine's patch comes back.

import type { Document } from "../api/bindings/Document";
import type { Element } from "../api/bindings/Element";
import { apply } from "../state/actions";
import { useModel } from "../state/model";
import { useUi } from "../state/ui";
import { addDiagramOp, addFlowOp, addShapeOp, isLine, shownDiagram, type ShapeKind } from "./elements";
import { newId } from "../state/ids";
import { innermost, type Point, type Rect } from "./geometry";

/** The open model's document and the diagram the editor shows, if any. */
export function openDiagram(): { doc: Document; diagram: string } | null {
  const doc = useModel.getState().model?.document;
  if (!doc) return null;
  const diagram = shownDiagram(doc, useUi.getState().diagram);
  return diagram ? { doc, diagram } : null;
}

/** The trust boundaries of `diagram` that are regions, with their rectangles (`rects` overriding layouts). */
export function boundaryRects(doc: Document, diagram: string, rects?: Map<string, Rect>): { id: string; rect: Rect }[] {
  const out: { id: string; rect: Rect }[] = [];
  for (const e of Object.values(doc.elements)) {
    if (e.diagram !== diagram || e.properties.kind !== "trust_boundary" || isLine(doc.layouts[e.id])) continue;
    const rect = rects?.get(e.id) ?? doc.layouts[e.id];
    if (rect) out.push({ id: e.id, rect });
  }
  return out;
}

/** Where a new shape goes: its top-left corner, and the point that decides its boundary. */
export type Placement = { at: Point; probe: Point };

/**
 * Add a shape inside the innermost boundary holding `probe`. `place` runs when the request
 * is sent, against the mirror as it is then, so quick successive adds get distinct names
 * and spots.
 */
export async function addShape(kind: ShapeKind, place: (doc: Document, diagram: string) => Placement): Promise<string | null> {
  const id = newId();
  const ok = await apply(() => {
    const open = openDiagram();
    if (!open) return null;
    const { at, probe } = place(open.doc, open.diagram);
    const parent = innermost(boundaryRects(open.doc, open.diagram), probe);
    return addShapeOp(open.doc, open.diagram, kind, at, parent, id).op;
  });
  if (!ok) return null;
  useUi.getState().setSelection([id]);
  return id;
}

/** Add a data flow from `source` to `target`. */
export async function connect(source: string, target: string): Promise<string | null> {
  const id = newId();
  const ok = await apply(() => {
    const open = openDiagram();
    return open ? addFlowOp(open.doc, open.diagram, source, target, id).op : null;
  });
  if (!ok) return null;
  useUi.getState().setSelection([id]);
  return id;
}

/** The two selected shapes a flow can join, in selection order; null unless exactly two. */
export function connectablePair(doc: Document, selection: string[]): [string, string] | null {
  const shapes = selection.filter((id) => {
    const kind = doc.elements[id]?.properties.kind;
    return kind !== undefined && kind !== "data_flow" && kind !== "trust_boundary";
  });
  return shapes.length === 2 ? [shapes[0]!, shapes[1]!] : null;
}

export async function connectSelected(): Promise<void> {
  const open = openDiagram();
  if (!open) return;
  const pair = connectablePair(open.doc, useUi.getState().selection);
  if (pair) await connect(pair[0], pair[1]);
}

/** Delete the selected elements (one operation). */
export async function deleteSelection(): Promise<void> {
  const open = openDiagram();
  if (!open) return;
  const ids = useUi.getState().selection.filter((id) => open.doc.elements[id]);
  if (ids.length === 0) return;
  const ok = await apply({ op: "delete", keys: ids.map((id) => ({ kind: "element" as const, id })) });
  if (ok) useUi.getState().setSelection([]);
}

/** Select every element of the diagram on screen. */
export function selectAll(): void {
  const open = openDiagram();
  if (!open) return;
  useUi.getState().setSelection(Object.values(open.doc.elements).filter((e) => e.diagram === open.diagram).map((e) => e.id));
}

/** Start renaming the most recently selected element. */
export function renameSelection(): boolean {
  const open = openDiagram();
  const { selection, setRenaming } = useUi.getState();
  const id = [...selection].reverse().find((s) => open?.doc.elements[s]);
  if (!id) return false;
  setRenaming(id);
  return true;
}

/** Add an empty diagram and show it. */
export async function addDiagram(): Promise<void> {
  const id = newId();
  const ok = await apply(() => {
    const doc = useModel.getState().model?.document;
    return doc ? addDiagramOp(doc, id) : null;
  });
  if (ok) useUi.getState().showDiagram(id);
}

/** Delete a diagram with everything drawn on it (one operation). */
export async function deleteDiagram(id: string): Promise<void> {
  await apply({ op: "delete", keys: [{ kind: "diagram", id }] });
}

/**
 * One `put` of the elements `ids` as `change` makes them, read from the mirror when the
 * request is sent; elements it leaves as they are stay out of the put. Edits sent with the
 * same `coalesce` key make one undo step (a typing burst in a field).
 */
export async function editElements(ids: string[], change: (element: Element) => Element, coalesce: string | null = null): Promise<boolean> {
  return apply(() => {
    const doc = useModel.getState().model?.document;
    if (!doc) return null;
    const records = ids.flatMap((id) => {
      const element = doc.elements[id];
      if (!element) return [];
      const changed = change(element);
      return JSON.stringify(changed) === JSON.stringify(element) ? [] : [{ type: "element" as const, value: changed }];
    });
    return records.length > 0 ? { op: "put", records } : null;
  }, coalesce);
}
