// The UI's mirror of the open model. It changes in exactly two ways: it is replaced by a
// Snapshot the engine sends (open, new, save as), or a Patch the engine returns is applied
// to it (after an operation, an undo or a redo). The UI never edits it by itself.

import { create } from "zustand";

import type { Applied } from "../api/bindings/Applied";
import type { Document } from "../api/bindings/Document";
import type { Patch } from "../api/bindings/Patch";
import type { Record as ModelRecord } from "../api/bindings/Record";
import type { RecordKind } from "../api/bindings/RecordKind";
import type { Snapshot } from "../api/bindings/Snapshot";

type Section = Exclude<keyof Document, "metadata">;
type Kind = Exclude<RecordKind, "metadata">;

/**
 * Where records of a kind live in a Document: the kind's plural ("element" -> "elements",
 * "attack_node" -> "attack_nodes"), the engine's naming for every section. Deriving it keeps
 * the mirror in step when the engine adds a kind of record.
 */
function sectionOf(kind: Kind): Section {
  return `${kind}s` as Section;
}

type AnyMap = { [id: string]: unknown };

/**
 * The document with `patch` applied: each change puts its `after` record under its key, or
 * removes the key when `after` is null. Sections the patch does not touch keep their
 * identity, so views that read them do not redraw.
 */
export function applyPatch(doc: Document, patch: Patch): Document {
  if (patch.changes.length === 0) return doc;
  const next: Document = { ...doc };
  const copied = new Set<Section>();
  const sections = next as unknown as { [name: string]: AnyMap | undefined };
  const section = (kind: Kind): AnyMap => {
    const name = sectionOf(kind);
    if (!copied.has(name)) {
      copied.add(name);
      sections[name] = { ...sections[name] };
    }
    return sections[name]!;
  };
  for (const change of patch.changes) {
    const { key, after } = change;
    if (after) {
      put(next, section, after);
    } else if (key.kind !== "metadata") {
      delete section(key.kind)[key.id];
    }
  }
  return next;
}

function put(next: Document, section: (kind: Kind) => AnyMap, record: ModelRecord) {
  if (record.type === "metadata") {
    next.metadata = record.value;
  } else {
    section(record.type)[record.value.id] = record.value;
  }
}

export interface ModelState {
  /** The open model, or null on the start screen. */
  model: Snapshot | null;
  /** Replace the mirror with what the engine says the model is. */
  load: (snapshot: Snapshot) => void;
  /** Apply the engine's answer to an operation, an undo or a redo. */
  applied: (applied: Applied) => void;
  /** The model was closed. */
  clear: () => void;
}

export const useModel = create<ModelState>()((set) => ({
  model: null,
  load: (snapshot) => set({ model: snapshot }),
  applied: ({ patch, history }) =>
    set((state) => {
      if (!state.model) return state;
      return { model: { ...state.model, document: applyPatch(state.model.document, patch), history } };
    }),
  clear: () => set({ model: null }),
}));
