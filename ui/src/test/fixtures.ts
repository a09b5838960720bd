// Small, hand-made engine answers for tests. Shapes follow the generated types.
import type { Applied } from "../api/bindings/Applied";
import type { AttackNode } from "../api/bindings/AttackNode";
import type { Document } from "../api/bindings/Document";
import type { Element } from "../api/bindings/Element";
import type { HistoryState } from "../api/bindings/HistoryState";
import type { Layout } from "../api/bindings/Layout";
import type { Record as ModelRecord } from "../api/bindings/Record";
import type { Snapshot } from "../api/bindings/Snapshot";
import { emptyProperties, type ShapeKind } from "../editor/elements";

export const DIAGRAM = "00000000-0000-4000-8000-000000000001";

export function emptyDocument(name = "Payments"): Document {
  // Built as the engine sends it; a section added to the engine later is simply absent here.
  return {
    metadata: {
      name,
      summary: "",
      scope_in: "",
      scope_out: "",
      assumptions: [],
      owner: "",
      reviewers: [],
      version: "0.1",
      currency: "EUR",
    },
    assets: {},
    diagrams: { [DIAGRAM]: { id: DIAGRAM, name: "Main diagram" } },
    elements: {},
    layouts: {},
    threats: {},
    mitigations: {},
    attack_trees: {},
    attack_nodes: {},
    dismissals: {},
  } as Document;
}

export function shape(id: string, kind: ShapeKind, name: string, parent: string | null = null): Element {
  return {
    id,
    diagram: DIAGRAM,
    name,
    description: "",
    technology: "",
    owner: "",
    tags: [],
    out_of_scope: false,
    out_of_scope_reason: "",
    parent,
    properties: emptyProperties(kind),
  };
}

export function layout(id: string, x: number, y: number, width = 120, height = 120): Layout {
  return { id, x, y, width, height };
}

/** A document holding the given shapes, each with its layout. */
export function documentWith(items: { element: Element; layout: Layout }[]): Document {
  const doc = emptyDocument();
  for (const { element, layout } of items) {
    doc.elements[element.id] = element;
    doc.layouts[element.id] = layout;
  }
  return doc;
}

export function snapshot(document: Document, history: HistoryState = { undo: null, redo: null }): Snapshot {
  return { path: "/home/ada/Documents/Rampart/Payments.rampart", document, history };
}

/** An engine answer that creates the given records. */
export function created(records: ModelRecord[], history: HistoryState): Applied {
  return {
    patch: {
      changes: records.map((r) => ({
        key: { kind: r.type, id: r.type === "metadata" ? "00000000-0000-0000-0000-000000000000" : r.value.id },
        before: null,
        after: r,
      })),
    },
    history,
    tree: null,
  };
}

/** A data flow from `source` to `target`, every optional fact unknown. */
export function flow(id: string, source: string, target: string, name = "Flow", bidirectional = false): Element {
  return {
    ...shape(id, "process", name),
    properties: {
      kind: "data_flow",
      source,
      target,
      bidirectional,
      protocol: "",
      encrypted_in_transit: null,
      authenticated: null,
      integrity_protected: null,
      over_public_network: null,
      data_classification: null,
      carries_credentials: null,
    },
  };
}

/** An attack step of `tree` with no values; `extra` makes it a gate, a countermeasure, and so on. */
export function attackNode(tree: string, id: string, label: string, extra: Partial<AttackNode> = {}): AttackNode {
  return {
    id,
    tree,
    label,
    description: "",
    role: "attack",
    gate: "leaf",
    children: [],
    countermeasures: [],
    attributes: { cost: null, probability: null, time: null, skill: null, detectability: null },
    implemented: false,
    mitigation: null,
    links: [],
    collapsed: false,
    ...extra,
  };
}
