// What the engine found in the open model: findings, per-element badge counts and, while a
// view shows it, the threat register. Refreshed after every change the engine reports; the
// UI never derives any of it itself.
//
// Refreshes are coalesced: while one is in flight, further requests collapse into one more
// refresh after it, so a burst of edits costs at most two round trips, and an answer never
// replaces a newer one.

import { create } from "zustand";

import * as client from "../api/client";
import { coalesce } from "./coalesce";
import { errorMessage } from "./errors";
import { useModel } from "./model";
import { useUi } from "./ui";
import type { Annotation } from "../api/bindings/Annotation";
import type { Overview } from "../api/bindings/Overview";
import type { ThreatView } from "../api/bindings/ThreatView";
import type { Annotations, ElementAnnotation } from "../editor/badges";

export interface AnalysisState {
  overview: Overview | null;
  /** The badges by element id; an unchanged element keeps its entry object, so its shape does not redraw. */
  annotations: Annotations;
  /** The register, kept while `registerWanted` (a view showing threats is open). */
  register: ThreatView[] | null;
  registerWanted: number;
  /** Counts refreshes, so that views fetching their own details know when to fetch again. */
  revision: number;
  /** A view showing threats opened (+1) or closed (-1). */
  wantRegister: (delta: 1 | -1) => void;
  clear: () => void;
}

function sameAnnotation(a: ElementAnnotation, b: ElementAnnotation): boolean {
  return (
    a.threats?.count === b.threats?.count &&
    a.threats?.highest === b.threats?.highest &&
    a.findings?.count === b.findings?.count &&
    a.findings?.highest === b.findings?.highest
  );
}

function toAnnotation(a: Annotation): ElementAnnotation {
  return {
    threats: a.threats > 0 && a.highest_threat ? { count: a.threats, highest: a.highest_threat } : undefined,
    findings: a.findings > 0 && a.highest_finding ? { count: a.findings, highest: a.highest_finding } : undefined,
  };
}

/** The badges of `overview`, reusing the entries of `previous` that did not change. */
export function annotationsOf(overview: Overview, previous: Annotations): Annotations {
  const next = new Map<string, ElementAnnotation>();
  for (const a of overview.annotations) {
    const fresh = toAnnotation(a);
    const old = previous.get(a.element);
    next.set(a.element, old && sameAnnotation(old, fresh) ? old : fresh);
  }
  return next;
}

const EMPTY: Annotations = new Map();

export const useAnalysis = create<AnalysisState>()((set) => ({
  overview: null,
  annotations: EMPTY,
  register: null,
  registerWanted: 0,
  revision: 0,
  wantRegister: (delta) => {
    set((state) => ({ registerWanted: Math.max(0, state.registerWanted + delta) }));
    if (delta > 0) refreshAnalysis();
  },
  clear: () => {
    generation += 1;
    set({ overview: null, annotations: EMPTY, register: null, revision: 0 });
  },
}));

/** Bumped when the model is closed or replaced: answers about the old model are dropped. */
let generation = 0;

async function fetchOnce(): Promise<void> {
  const asked = generation;
  const wantRegister = useAnalysis.getState().registerWanted > 0;
  const [overview, register] = await Promise.all([client.analysisOverview(), wantRegister ? client.threatRegister() : Promise.resolve(null)]);
  if (asked !== generation) return;
  useAnalysis.setState((state) => ({
    overview,
    annotations: annotationsOf(overview, state.annotations),
    register,
    revision: state.revision + 1,
  }));
}

/** Ask the engine for the analysis of the model as it is now. */
export const refreshAnalysis = coalesce(async () => {
  const asked = generation;
  try {
    await fetchOnce();
  } catch (e) {
    // An answer about a model closed meanwhile is no news.
    if (asked === generation && useModel.getState().model) useUi.getState().showError(errorMessage(e));
  }
});

/** The model was replaced or closed: forget what was found in the old one. */
export function resetAnalysis(): void {
  useAnalysis.getState().clear();
}
