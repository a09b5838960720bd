// The tree editor's state: what is selected and being renamed, the attacker profile and
// what-if toggles the user is trying, and the engine's analysis of the tree shown. None of
// it is saved. The analysis is the engine's answer, refreshed after every change; the UI
// computes no value itself.
//
// Refreshes are coalesced (state/coalesce.ts), and an answer about another tree is dropped.
// The engine sends the node values that changed since the revision the view holds, so an
// edit in a tree of thousands of nodes moves a few values, not all of them; and it sends
// them with the edit's patch (state/actions.ts, `watchTree`), so an edit takes one round trip.

import { create } from "zustand";

import * as client from "../api/client";
import type { AnalysisOptions } from "../api/bindings/AnalysisOptions";
import type { AttackerProfile } from "../api/bindings/AttackerProfile";
import type { CountermeasureEffect } from "../api/bindings/CountermeasureEffect";
import type { ImplementedOverride } from "../api/bindings/ImplementedOverride";
import type { NodeAnalysis } from "../api/bindings/NodeAnalysis";
import type { TreeAnalysis } from "../api/bindings/TreeAnalysis";
import type { TreeUpdate } from "../api/bindings/TreeUpdate";
import type { TreeView } from "../api/bindings/TreeView";
import type { TreeWatcher } from "../state/actions";
import { coalesce } from "../state/coalesce";
import { errorMessage } from "../state/errors";
import { useUi } from "../state/ui";

/** How many of the cheapest scenarios the side panel lists. */
export const TOP_K = 5;

/** The root's cheapest cost before and after the latest change that moved it. */
export interface CostChange {
  before: number | null;
  after: number | null;
}

export interface TreeState {
  /** The tree the state below is about. */
  tree: string | null;
  selected: string | null;
  /** The node being renamed, with the text the field starts with (typing starts a rename). */
  renaming: { id: string; initial: string | null } | null;
  /** A scenario of the side panel the canvas shows instead of the cheapest. */
  highlighted: string[] | null;
  profile: AttackerProfile | null;
  overrides: ImplementedOverride[];
  presenting: boolean;
  /** The engine's analysis without its per-node values (`nodes` is empty): those are in `values`. */
  analysis: TreeAnalysis | null;
  /** The engine's values per node. Unchanged nodes keep their objects from update to update. */
  values: ReadonlyMap<string, NodeAnalysis>;
  /** The revision of the last update applied to `values`. */
  revision: number | null;
  effects: CountermeasureEffect[];
  change: CostChange | null;
  select: (id: string | null) => void;
  rename: (id: string | null, initial?: string | null) => void;
  highlight: (steps: string[] | null) => void;
  setProfile: (profile: AttackerProfile | null) => void;
  /** Try a countermeasure as (not) implemented, or stop trying it (null). */
  tryOverride: (node: string, implemented: boolean | null) => void;
  present: (on: boolean) => void;
  /** Another tree (or none) is shown: start afresh. */
  open: (tree: string | null, root: string | null) => void;
}

const FRESH = {
  selected: null,
  renaming: null,
  highlighted: null,
  profile: null,
  overrides: [],
  presenting: false,
  analysis: null,
  values: new Map<string, NodeAnalysis>(),
  revision: null,
  effects: [],
  change: null,
} satisfies Partial<TreeState>;

export const useTree = create<TreeState>()((set) => ({
  tree: null,
  ...FRESH,
  select: (id) => set((s) => (s.selected === id ? s : { selected: id, renaming: null })),
  rename: (id, initial = null) => set({ renaming: id ? { id, initial } : null }),
  highlight: (steps) => set({ highlighted: steps }),
  setProfile: (profile) => set({ profile }),
  tryOverride: (node, implemented) =>
    set((s) => {
      const others = s.overrides.filter((o) => o.node !== node);
      return { overrides: implemented === null ? others : [...others, { node, implemented }] };
    }),
  present: (on) => set({ presenting: on }),
  open: (tree, root) => {
    generation += 1;
    set({ tree, ...FRESH, selected: root });
  },
}));

/** The options the analysis runs with: the side panel's list, the profile and the tries. */
export function analysisOptions(state: Pick<TreeState, "profile" | "overrides">): AnalysisOptions {
  return { top_k: TOP_K, pareto: true, profile: state.profile, overrides: state.overrides };
}

/** Bumped when another tree is opened: answers about the old one are dropped. */
let generation = 0;

/** The values after `update`: the update's own for the nodes it names, the others kept. */
export function applyUpdate(values: ReadonlyMap<string, NodeAnalysis>, update: TreeUpdate): Map<string, NodeAnalysis> {
  const next = new Map(update.full ? [] : values);
  for (const id of update.removed) next.delete(id);
  for (const node of update.changed) next.set(node.id, node);
  return next;
}

/**
 * Whether `update` can be applied to values at `held`: a full one if newer, a delta only
 * on the revision just before it (answers may arrive out of order).
 */
export function fits(update: TreeUpdate, held: number | null): boolean {
  return update.full ? held === null || update.revision > held : held !== null && update.revision === held + 1;
}

/** The shown tree as the engine is asked about it. */
function currentView(): TreeView | null {
  const state = useTree.getState();
  return state.tree ? { tree: state.tree, options: analysisOptions(state), known: state.revision } : null;
}

/** Take an update of the shown tree; false if it is about another tree or does not fit the values held. */
function take(update: TreeUpdate): boolean {
  const s = useTree.getState();
  if (update.analysis.tree !== s.tree) return true;
  if (!fits(update, s.revision)) return false;
  const before = s.analysis?.root.min_cost ?? null;
  const after = update.analysis.root.min_cost;
  const moved = s.analysis !== null && before !== after;
  useTree.setState({ analysis: update.analysis, values: applyUpdate(s.values, update), revision: update.revision, change: moved ? { before, after } : s.change });
  return true;
}

/**
 * Take an update of the shown tree, then ask for the countermeasure effects (they take
 * longer and can follow). Without an update that fits (the engine could not analyse the
 * tree with an edit, and its own request says why; or answers crossed), ask again for
 * every value.
 */
function settle(update: TreeUpdate | null): void {
  if (update && take(update)) {
    void refreshEffects();
    return;
  }
  useTree.setState({ revision: null });
  void refreshTree();
}

async function fetchOnce(): Promise<void> {
  const asked = generation;
  const view = currentView();
  if (!view) return;
  const update = await client.analyzeTree(view);
  if (asked === generation) settle(update);
}

/** The tree editor's part in edits: its tree is analysed with each edit, undo and redo. */
export const treeWatcher: TreeWatcher = { view: currentView, receive: settle };

/** Run `task` for the shown tree; a failure is shown unless another tree is shown by then. */
async function reporting(task: () => Promise<void>): Promise<void> {
  const asked = generation;
  try {
    await task();
  } catch (e) {
    if (asked === generation) useUi.getState().showError(errorMessage(e));
  }
}

/** Ask the engine for the analysis of the shown tree as the model is now. */
export const refreshTree = coalesce(() => reporting(fetchOnce));

/** Ask for the countermeasure effects of the shown tree again (after an edit brought its values). */
const refreshEffects = coalesce(() =>
  reporting(async () => {
    const asked = generation;
    const view = currentView();
    if (!view) return;
    const effects = await client.countermeasureEffects(view.tree, view.options);
    if (asked === generation) useTree.setState({ effects });
  }),
);
