// UI-only state: what is selected, what is being renamed, the status line and the error
// banner. None of it is part of the model and none of it is saved.

import { create } from "zustand";

export interface SelectChange {
  id: string;
  selected: boolean;
}

/** Something the user should read that is not an error, e.g. what an import left out. */
export interface Notice {
  title: string;
  lines: string[];
}

export interface UiState {
  /** The last error the engine (or the app) reported, shown until dismissed. */
  error: string | null;
  notice: Notice | null;
  /** The status line, e.g. "Saved · 5 elements". */
  status: string;
  /** Selected element ids (nodes and flows), in the order they were selected. */
  selection: string[];
  /** The element whose name is being edited in place. */
  renaming: string | null;
  showError: (message: string) => void;
  dismissError: () => void;
  showNotice: (notice: Notice | null) => void;
  setStatus: (status: string) => void;
  setSelection: (ids: string[]) => void;
  /** Apply select/deselect changes, keeping the order of selection. */
  changeSelection: (changes: SelectChange[]) => void;
  setRenaming: (id: string | null) => void;
  /** Back to a blank editor (a model was opened or closed). */
  reset: () => void;
}

export const useUi = create<UiState>()((set) => ({
  error: null,
  notice: null,
  status: "",
  selection: [],
  renaming: null,
  showError: (message) => set({ error: message }),
  dismissError: () => set({ error: null }),
  showNotice: (notice) => set({ notice }),
  setStatus: (status) => set({ status }),
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
  reset: () => set({ selection: [], renaming: null, status: "", notice: null }),
}));
