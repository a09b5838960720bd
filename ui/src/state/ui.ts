// UI-only state: the diagram shown, what is selected, what is being renamed, the status
// line and the banners. None of it is part of the model and none of it is saved.

import { create } from "zustand";

import type { Payload } from "../editor/clipboard";

export interface SelectChange {
  id: string;
  selected: boolean;
}

/** Something the user should read that is not an error, e.g. what an import left out. */
export interface Notice {
  title: string;
  lines: string[];
}

/** The panel under the canvas: validation findings or the threat register. */
export type Panel = "findings" | "threats";

export interface UiState {
  /** The last error the engine (or the app) reported, shown until dismissed. */
  error: string | null;
  notice: Notice | null;
  /** The status line, e.g. "Saved · 5 elements". */
  status: string;
  /** The diagram the user picked; the editor falls back to the first when it is gone. */
  diagram: string | null;
  /** The attack tree shown instead of a diagram, if one is picked. */
  tree: string | null;
  /** Selected element ids (nodes and flows), in the order they were selected. */
  selection: string[];
  /** The element whose name is being edited in place. */
  renaming: string | null;
  /** An element to bring into view (found by name); `n` tells repeated requests apart. */
  focus: { id: string; n: number } | null;
  /** Counts requests to fit the diagram into view once the canvas shows the model as it is now. */
  fitRequests: number;
  /** The elements last copied in this window; kept when another model is opened, to paste there. */
  clipboard: Payload | null;
  /** The panel open under the canvas, if any. */
  panel: Panel | null;
  /** The threat open in the register's detail pane. */
  threat: string | null;
  showError: (message: string) => void;
  dismissError: () => void;
  showNotice: (notice: Notice | null) => void;
  setStatus: (status: string) => void;
  /** Show another diagram (with nothing selected). */
  showDiagram: (id: string) => void;
  /** Show an attack tree in place of the diagram (null: back to the diagram). */
  showTree: (id: string | null) => void;
  setSelection: (ids: string[]) => void;
  /** Apply select/deselect changes, keeping the order of selection. */
  changeSelection: (changes: SelectChange[]) => void;
  setRenaming: (id: string | null) => void;
  setClipboard: (payload: Payload) => void;
  /** Fit the diagram into view after the canvas has drawn the latest change (a new layout). */
  requestFit: () => void;
  /** Show `id`: its diagram, selected, in the middle of the view. */
  reveal: (id: string, diagram: string) => void;
  /** Open `panel`, or close it when it is the one open. */
  togglePanel: (panel: Panel) => void;
  /** Open the register on one threat. */
  showThreat: (id: string | null) => void;
  /** Back to a blank editor (a model was opened or closed). */
  reset: () => void;
}

export const useUi = create<UiState>()((set) => ({
  error: null,
  notice: null,
  status: "",
  diagram: null,
  tree: null,
  selection: [],
  renaming: null,
  focus: null,
  fitRequests: 0,
  clipboard: null,
  panel: null,
  threat: null,
  showError: (message) => set({ error: message }),
  dismissError: () => set({ error: null }),
  showNotice: (notice) => set({ notice }),
  setStatus: (status) => set({ status }),
  showDiagram: (id) => set((state) => (state.diagram === id && state.tree === null ? state : { diagram: id, tree: null, selection: [], renaming: null })),
  showTree: (id) => set((state) => (state.tree === id ? state : { tree: id, selection: [], renaming: null })),
  setSelection: (ids) => set({ selection: ids }),
  changeSelection: (changes) =>
    set((state) => {
      let selection = state.selection;
      for (const { id, selected } of changes) {
        const has = selection.includes(id);
        if (selected && !has) selection = [...selection, id];
        else if (!selected && has) selection = selection.filter((s) => s !== id);
      }
      return selection === state.selection ? state : { selection };
    }),
  setRenaming: (id) => set({ renaming: id }),
  setClipboard: (payload) => set({ clipboard: payload }),
  requestFit: () => set((state) => ({ fitRequests: state.fitRequests + 1 })),
  reveal: (id, diagram) => set((state) => ({ diagram, tree: null, selection: [id], renaming: null, focus: { id, n: (state.focus?.n ?? 0) + 1 } })),
  togglePanel: (panel) => set((state) => ({ panel: state.panel === panel ? null : panel })),
  showThreat: (id) => set(id ? { panel: "threats", threat: id } : { threat: null }),
  reset: () => set({ diagram: null, tree: null, selection: [], renaming: null, focus: null, status: "", notice: null, threat: null }),
}));

/** Show the first of `ids` that is still an element of `doc` (its diagram, selected, centred). */
export function revealFirst(doc: { elements: { [id: string]: { diagram: string } | undefined } }, ids: (string | null | undefined)[]): void {
  for (const id of ids) {
    const element = id ? doc.elements[id] : undefined;
    if (id && element) {
      useUi.getState().reveal(id, element.diagram);
      return;
    }
  }
}
