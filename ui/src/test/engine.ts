// A stand-in for the engine's `apply`, good enough for UI tests: it answers each operation
// with the patch the engine would return for the simple cases (no integrity checks, no
// cascades beyond an element's layout and a diagram's elements), and keeps its document.
import type { Applied } from "../api/bindings/Applied";
import type { Change } from "../api/bindings/Change";
import type { Document } from "../api/bindings/Document";
import type { Operation } from "../api/bindings/Operation";
import type { Record as ModelRecord } from "../api/bindings/Record";
import type { RecordKey } from "../api/bindings/RecordKey";
import { applyPatch } from "../state/model";

const NIL = "00000000-0000-0000-0000-000000000000";

function get(doc: Document, key: RecordKey): ModelRecord | null {
  if (key.kind === "metadata") return { type: "metadata", value: doc.metadata };
  const value = (doc as unknown as { [section: string]: { [id: string]: unknown } })[`${key.kind}s`]?.[key.id];
  return value ? ({ type: key.kind, value } as ModelRecord) : null;
}

function keyOf(record: ModelRecord): RecordKey {
  return { kind: record.type, id: record.type === "metadata" ? NIL : record.value.id };
}

/** The records an operation writes (a null record: the key is removed). */
function plan(doc: Document, op: Operation): [RecordKey, ModelRecord | null][] {
  switch (op.op) {
    case "put":
      return op.records.map((r) => [keyOf(r), r]);
    case "delete": {
      const out: [RecordKey, ModelRecord | null][] = [];
      for (const key of op.keys) {
        out.push([key, null]);
        if (key.kind === "element" && doc.layouts[key.id]) out.push([{ kind: "layout", id: key.id }, null]);
        if (key.kind === "diagram") {
          for (const e of Object.values(doc.elements).filter((e) => e.diagram === key.id)) {
            out.push([{ kind: "element", id: e.id }, null]);
            if (doc.layouts[e.id]) out.push([{ kind: "layout", id: e.id }, null]);
          }
        }
      }
      return out;
    }
    case "rename": {
      const record = get(doc, op.key);
      if (!record || record.type === "layout" || record.type === "metadata") throw `nothing to rename at ${op.key.id}`;
      // Attack-tree nodes keep their name as a label.
      const field = record.type === "attack_node" ? "label" : "name";
      return [[op.key, { ...record, value: { ...record.value, [field]: op.name } } as ModelRecord]];
    }
    case "translate":
      return op.ids.flatMap((id): [RecordKey, ModelRecord][] => {
        const l = doc.layouts[id];
        return l ? [[{ kind: "layout", id }, { type: "layout", value: { ...l, x: l.x + op.dx, y: l.y + op.dy } }]] : [];
      });
    case "reparent":
      return op.ids.map((id) => [{ kind: "element", id }, { type: "element", value: { ...doc.elements[id]!, parent: op.parent } }]);
  }
}

export function fakeEngine(initial: Document) {
  let doc = initial;
  const answer = (op: Operation): Applied => {
    const changes: Change[] = plan(doc, op).map(([key, after]) => ({ key, before: get(doc, key), after }));
    const patch = { changes };
    doc = applyPatch(doc, patch);
    return { patch, history: { undo: op.op, redo: null }, tree: null };
  };
  return {
    /** The engine's document now. */
    doc: () => doc,
    /** A handler for `fakeBackend`'s `apply`. */
    apply: ({ op }: Record<string, unknown>) => answer(op as Operation),
  };
}
