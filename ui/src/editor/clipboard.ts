// Copy and paste of diagram elements. What is copied is a self-contained payload: the
// selected shapes, what selected boundaries hold, and the flows between them, with their
// layouts. Pasting makes new ids, keeps the shapes' relative positions and the flows
// between them, and is one `put`, into any diagram of any model.
//
// The payload travels as JSON text on the system clipboard (the webview's copy and paste
// events) and is also kept in the UI state, for the context menu, which cannot read the
// system clipboard.

import type { Document } from "../api/bindings/Document";
import type { Element } from "../api/bindings/Element";
import type { Layout } from "../api/bindings/Layout";
import type { Operation } from "../api/bindings/Operation";
import type { Record as ModelRecord } from "../api/bindings/Record";
import { newId } from "../state/ids";
import { boundaryRects } from "./commands";
import { center, innermost, type Rect } from "./geometry";
import { shifted, withContents } from "./moves";

const FORMAT = "rampart/elements";

export interface Payload {
  format: typeof FORMAT;
  /** When it was copied (ms since the epoch): the newer of two copies wins. */
  copied: number;
  elements: Element[];
  layouts: Layout[];
}

/** Successive pastes of the same shapes into the same diagram step by this much. */
export const PASTE_STEP = 40;

/** The payload for the selected elements of `diagram`, or null when nothing can be copied. */
export function copyOf(doc: Document, diagram: string, selection: string[], now: number = Date.now()): Payload | null {
  const shapes = selection.filter((id) => {
    const e = doc.elements[id];
    return e && e.diagram === diagram && e.properties.kind !== "data_flow";
  });
  const copied = withContents(doc, shapes);
  for (const e of Object.values(doc.elements)) {
    const p = e.properties;
    if (e.diagram === diagram && p.kind === "data_flow" && p.source && p.target && copied.has(p.source) && copied.has(p.target)) copied.add(e.id);
  }
  if (copied.size === 0) return null;
  const ids = [...copied].sort();
  return {
    format: FORMAT,
    copied: now,
    elements: ids.map((id) => doc.elements[id]!),
    layouts: ids.flatMap((id) => (doc.layouts[id] ? [doc.layouts[id]!] : [])),
  };
}

export function serialize(payload: Payload): string {
  return JSON.stringify(payload);
}

const isObject = (v: unknown): v is { [key: string]: unknown } => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The payload in `text`, or null when it is something else (text copied elsewhere, a damaged
 * payload). Only the shape is checked here; the engine checks every record that is pasted.
 */
export function parse(text: string): Payload | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value) || value.format !== FORMAT || typeof value.copied !== "number") return null;
  const { elements, layouts } = value;
  if (!Array.isArray(elements) || !Array.isArray(layouts)) return null;
  const elementsOk = elements.every((e) => isObject(e) && typeof e.id === "string" && typeof e.name === "string" && isObject(e.properties) && typeof e.properties.kind === "string");
  const layoutsOk = layouts.every((l) => isObject(l) && typeof l.id === "string" && ["x", "y", "width", "height"].every((k) => typeof l[k] === "number"));
  return elementsOk && layoutsOk ? (value as unknown as Payload) : null;
}

/** "API" if free in the diagram, else "API copy", "API copy 2", … */
function copyName(name: string, taken: Set<string>): string {
  if (name === "" || !taken.has(name)) return name;
  let candidate = `${name} copy`;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${name} copy ${n}`;
  return candidate;
}

/** The smallest step of PASTE_STEP that puts no pasted shape exactly over a shape already there. */
function pasteOffset(doc: Document, diagram: string, layouts: Layout[]): number {
  const spot = (l: Layout, offset: number) => `${l.x + offset},${l.y + offset},${l.width},${l.height}`;
  const taken = new Set(
    Object.values(doc.elements)
      .filter((e) => e.diagram === diagram && doc.layouts[e.id])
      .map((e) => spot(doc.layouts[e.id]!, 0)),
  );
  let offset = 0;
  while (offset < 100 * PASTE_STEP && layouts.some((l) => taken.has(spot(l, offset)))) offset += PASTE_STEP;
  return offset;
}

/**
 * One `put` that adds a copy of `payload` to `diagram`, and the ids of the copies. A copied
 * shape whose boundary came along stays in its copy; the others go into the boundary of
 * `diagram` they land in.
 */
export function pasteOp(doc: Document, diagram: string, payload: Payload, makeId: () => string = newId): { op: Operation; ids: string[] } {
  const ids = new Map(payload.elements.map((e) => [e.id, makeId()]));
  const flows = new Set(payload.elements.filter((e) => e.properties.kind === "data_flow").map((e) => e.id));
  const owned = payload.layouts.filter((l) => ids.has(l.id));
  const offset = pasteOffset(
    doc,
    diagram,
    owned.filter((l) => !flows.has(l.id)),
  );
  const layouts = new Map(owned.map((l) => [l.id, { ...shifted(l, offset, offset), id: ids.get(l.id)! }]));
  const boundaries = boundaryRects(doc, diagram);
  const taken = new Set(Object.values(doc.elements).filter((e) => e.diagram === diagram).map((e) => e.name));
  const mapped = (id: string | null) => (id === null ? null : (ids.get(id) ?? null));

  /** The innermost boundary of the diagram around a pasted shape, if bigger than the shape. */
  const landedIn = (rect: Rect): string | null =>
    innermost(
      boundaries.filter((b) => b.rect.width * b.rect.height > rect.width * rect.height),
      center(rect),
    );

  const records: ModelRecord[] = [];
  for (const original of payload.elements) {
    const id = ids.get(original.id)!;
    const layout = layouts.get(original.id);
    const p = original.properties;
    const properties = p.kind === "data_flow" ? { ...p, source: mapped(p.source), target: mapped(p.target) } : p;
    const parent = p.kind === "data_flow" ? null : (mapped(original.parent) ?? (layout ? landedIn(layout) : null));
    const name = copyName(original.name, taken);
    taken.add(name);
    records.push({ type: "element", value: { ...original, id, diagram, name, parent, properties } });
    if (layout) records.push({ type: "layout", value: layout });
  }
  return { op: { op: "put", records }, ids: [...ids.values()] };
}

/** What to paste: the newer of the system clipboard's payload and the one copied in this window. */
export function newest(fromSystem: Payload | null, inWindow: Payload | null): Payload | null {
  if (fromSystem && (!inWindow || fromSystem.copied >= inWindow.copied)) return fromSystem;
  return inWindow;
}
