// What the canvas needs to draw and create DFD elements: labels, default sizes, and the
// records a new shape or flow is made of. The engine decides whether they are valid.

import type { Document } from "../api/bindings/Document";
import type { Element } from "../api/bindings/Element";
import type { ElementKind } from "../api/bindings/ElementKind";
import type { ElementProperties } from "../api/bindings/ElementProperties";
import type { Layout } from "../api/bindings/Layout";
import type { Operation } from "../api/bindings/Operation";
import type { Point } from "../api/bindings/Point";
import { newId } from "../state/ids";

/** The kinds drawn as shapes (everything but flows). */
export type ShapeKind = Exclude<ElementKind, "data_flow">;

export const SHAPE_KINDS: ShapeKind[] = ["external_entity", "process", "data_store", "trust_boundary"];

export const KIND_LABELS: { [K in ElementKind]: string } = {
  external_entity: "External entity",
  process: "Process",
  data_store: "Data store",
  data_flow: "Flow",
  trust_boundary: "Trust boundary",
};

export const DEFAULT_SIZES: { [K in ShapeKind]: { width: number; height: number } } = {
  process: { width: 120, height: 120 },
  external_entity: { width: 150, height: 70 },
  data_store: { width: 160, height: 64 },
  trust_boundary: { width: 380, height: 260 },
};

export function isShapeKind(kind: string): kind is ShapeKind {
  return (SHAPE_KINDS as string[]).includes(kind);
}

/**
 * Whether a trust boundary is drawn as a line through its layout's points (as Threat Dragon
 * and Microsoft's tool draw them) rather than as a region. A line contains nothing.
 */
export function isLine(layout: Layout | undefined): layout is Layout & { points: Point[] } {
  return (layout?.points?.length ?? 0) >= 2;
}

/** The diagrams of the model in tab order: by id, which is the order they were made in. */
export function diagramIds(doc: Document): string[] {
  return Object.keys(doc.diagrams).sort();
}

/** The diagram the editor shows: the one picked while it exists, else the first. */
export function shownDiagram(doc: Document, picked: string | null): string | null {
  return picked && doc.diagrams[picked] ? picked : (diagramIds(doc)[0] ?? null);
}

/** "<label> N": the first such name not in `taken`, N counting from `from`. */
export function firstFreeName(label: string, taken: ReadonlySet<string>, from: number): string {
  let n = from;
  while (taken.has(`${label} ${n}`)) n += 1;
  return `${label} ${n}`;
}

/** "Process 3": the first "<Kind> N" name not used yet in the diagram, N counting from the number of such elements. */
export function defaultName(doc: Document, diagram: string, kind: ElementKind): string {
  const same = Object.values(doc.elements).filter((e) => e.diagram === diagram && e.properties.kind === kind);
  return firstFreeName(KIND_LABELS[kind], new Set(same.map((e) => e.name)), same.length + 1);
}

/** One `put` of a new, empty diagram named "Diagram N". */
export function addDiagramOp(doc: Document, id: string = newId()): Operation {
  const names = Object.values(doc.diagrams).map((d) => d.name);
  const name = firstFreeName("Diagram", new Set(names), names.length + 1);
  return { op: "put", records: [{ type: "diagram", value: { id, name } }] };
}

/** Properties of a new element of `kind`: every optional fact unknown. */
export function emptyProperties(kind: ShapeKind): ElementProperties {
  switch (kind) {
    case "external_entity":
      return { kind, is_human: null, authenticated: null };
    case "process":
      return {
        kind,
        privilege: null,
        authenticates_callers: null,
        authorizes_callers: null,
        validates_input: null,
        logs_security_events: null,
        internet_facing: null,
        handles_secrets: null,
      };
    case "data_store":
      return {
        kind,
        stores_credentials: null,
        stores_pii: null,
        stores_payment_data: null,
        encrypted_at_rest: null,
        is_audit_log: null,
        backed_up: null,
        access_controlled: null,
      };
    case "trust_boundary":
      return { kind };
  }
}

function baseElement(id: string, diagram: string, name: string, parent: string | null, properties: ElementProperties): Element {
  return {
    id,
    diagram,
    name,
    description: "",
    technology: "",
    owner: "",
    tags: [],
    out_of_scope: false,
    out_of_scope_reason: "",
    parent,
    properties,
  };
}

/** One `put` with a new shape and its layout. */
export function addShapeOp(
  doc: Document,
  diagram: string,
  kind: ShapeKind,
  at: { x: number; y: number },
  parent: string | null,
  id: string = newId(),
): { op: Operation; id: string } {
  const size = DEFAULT_SIZES[kind];
  const element = baseElement(id, diagram, defaultName(doc, diagram, kind), parent, emptyProperties(kind));
  const layout: Layout = { id, x: at.x, y: at.y, width: size.width, height: size.height };
  return {
    id,
    op: {
      op: "put",
      records: [
        { type: "element", value: element },
        { type: "layout", value: layout },
      ],
    },
  };
}

/** One `put` with a new data flow from `source` to `target`. */
export function addFlowOp(doc: Document, diagram: string, source: string, target: string, id: string = newId()): { op: Operation; id: string } {
  const element = baseElement(id, diagram, defaultName(doc, diagram, "data_flow"), null, {
    kind: "data_flow",
    source,
    target,
    bidirectional: false,
    protocol: "",
    encrypted_in_transit: null,
    authenticated: null,
    integrity_protected: null,
    over_public_network: null,
    data_classification: null,
    carries_credentials: null,
  });
  return { id, op: { op: "put", records: [{ type: "element", value: element }] } };
}
