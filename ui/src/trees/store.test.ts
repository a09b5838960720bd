import { describe, expect, it } from "vitest";

import type { NodeAnalysis } from "../api/bindings/NodeAnalysis";
import type { TreeAnalysis } from "../api/bindings/TreeAnalysis";
import type { TreeUpdate } from "../api/bindings/TreeUpdate";
import { applyUpdate, fits } from "./store";

const values = (id: string, cost: number): NodeAnalysis => ({
  id,
  role: "attack",
  min_cost: cost,
  max_probability: null,
  probability: null,
  min_time: null,
  min_skill: null,
  reachable: true,
  within_profile: null,
});

const analysis: TreeAnalysis = {
  tree: "t",
  name: "Goal",
  root: values("goal", 10),
  nodes: [],
  shared_steps: 0,
  cheapest: null,
  cheapest_nodes: [],
  top: [],
  pareto: [],
  profile: null,
  exact: true,
  warnings: [],
};

const update = (full: boolean, changed: NodeAnalysis[], removed: string[] = [], revision = 1): TreeUpdate => ({ revision, full, analysis, changed, removed });

describe("applying the engine's tree updates", () => {
  const before = new Map([
    ["goal", values("goal", 10)],
    ["a", values("a", 10)],
    ["b", values("b", 30)],
  ]);

  it("takes the changed values and keeps the others as they were, so their cards are not redrawn", () => {
    const after = applyUpdate(before, update(false, [values("goal", 12), values("a", 12)]));
    expect(after.get("goal")!.min_cost).toBe(12);
    expect(after.get("a")!.min_cost).toBe(12);
    expect(after.get("b")).toBe(before.get("b"));
    expect(before.get("a")!.min_cost).toBe(10);
  });

  it("forgets deleted nodes", () => {
    const after = applyUpdate(before, update(false, [], ["b"]));
    expect([...after.keys()]).toEqual(["goal", "a"]);
  });

  it("starts afresh from a full update", () => {
    const after = applyUpdate(before, update(true, [values("goal", 5)]));
    expect([...after.keys()]).toEqual(["goal"]);
  });
});

describe("answers that cross", () => {
  it("takes a delta only on the revision just before it", () => {
    expect(fits(update(false, [], [], 8), 7)).toBe(true);
    expect(fits(update(false, [], [], 8), 6)).toBe(false);
    expect(fits(update(false, [], [], 8), 8)).toBe(false);
    expect(fits(update(false, [], [], 1), null)).toBe(false);
  });

  it("takes a full update unless the values held are newer", () => {
    expect(fits(update(true, [], [], 3), null)).toBe(true);
    expect(fits(update(true, [], [], 9), 7)).toBe(true);
    expect(fits(update(true, [], [], 6), 7)).toBe(false);
  });
});
