// Filtering and ordering the threat register as the user asks. The threats, their scores and
// severities come from the engine; this only chooses which to show and in what order.

import type { Severity } from "../api/bindings/Severity";
import type { StrideCategory } from "../api/bindings/StrideCategory";
import type { ThreatStatus } from "../api/bindings/ThreatStatus";
import type { ThreatView } from "../api/bindings/ThreatView";

export const CATEGORIES: StrideCategory[] = ["Spoofing", "Tampering", "Repudiation", "Information disclosure", "Denial of service", "Elevation of privilege"];
export const SEVERITIES: Severity[] = ["Critical", "High", "Medium", "Low"];
export const STATUSES: ThreatStatus[] = ["Open", "Mitigated", "Accepted", "Transferred", "Not applicable"];

export interface RegisterFilter {
  category: StrideCategory | null;
  severity: Severity | null;
  status: ThreatStatus | null;
  /** Threats against this element or flow only. */
  element: string | null;
  /** Stale threats: shown with the others, hidden, or the only ones shown. */
  stale: "include" | "hide" | "only";
  /** Words that must all appear in the title, the target's name or the category. */
  text: string;
}

export const NO_FILTER: RegisterFilter = { category: null, severity: null, status: null, element: null, stale: "include", text: "" };

export type SortKey = "risk" | "category" | "title" | "target" | "status" | "due";
export interface Sort {
  key: SortKey;
  descending: boolean;
}

export const BY_RISK: Sort = { key: "risk", descending: true };

const SEVERITY_RANK: { [S in Severity]: number } = { Low: 0, Medium: 1, High: 2, Critical: 3 };

export function matches(t: ThreatView, f: RegisterFilter): boolean {
  if (f.category && t.category !== f.category) return false;
  if (f.severity && t.severity !== f.severity) return false;
  if (f.status && t.status !== f.status) return false;
  if (f.element && t.target_id !== f.element && t.flow_id !== f.element) return false;
  if (f.stale === "hide" && t.stale) return false;
  if (f.stale === "only" && !t.stale) return false;
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length > 0) {
    const haystack = `${t.title} ${t.target_name} ${t.category}`.toLowerCase();
    if (!words.every((w) => haystack.includes(w))) return false;
  }
  return true;
}

/**
 * Risk order: the engine's severity first (one formula covers threats with and without a
 * detectability), then the risk priority number where both have one, then the score.
 */
function compareRisk(a: ThreatView, b: ThreatView): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.rpn !== null && b.rpn !== null ? a.rpn - b.rpn : 0) || a.score - b.score;
}

const text = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: "base" });

const COMPARE: { [K in SortKey]: (a: ThreatView, b: ThreatView) => number } = {
  risk: compareRisk,
  category: (a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category),
  title: (a, b) => text(a.title, b.title),
  target: (a, b) => text(a.target_name, b.target_name),
  status: (a, b) => STATUSES.indexOf(a.status) - STATUSES.indexOf(b.status),
  // Threats without a due date go last either way.
  due: (a, b) => (a.due_date ?? "9999").localeCompare(b.due_date ?? "9999"),
};

/** The threats `filter` lets through, in `sort` order; ties keep the engine's order. */
export function shownThreats(threats: ThreatView[], filter: RegisterFilter, sort: Sort): ThreatView[] {
  const compare = COMPARE[sort.key];
  const sign = sort.descending ? -1 : 1;
  return threats
    .map((t, i) => ({ t, i }))
    .filter(({ t }) => matches(t, filter))
    .sort((a, b) => sign * compare(a.t, b.t) || a.i - b.i)
    .map(({ t }) => t);
}

/** A click on a column header: that column, or the other direction if it already sorts by it. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, descending: !current.descending };
  return { key, descending: key === "risk" };
}
