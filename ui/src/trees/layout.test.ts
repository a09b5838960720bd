import { describe, expect, it } from "vitest";

import type { AttackNode } from "../api/bindings/AttackNode";
import type { Document } from "../api/bindings/Document";
import { attackNode, emptyDocument } from "../test/fixtures";
import { cachedLayout, sameLayout } from "./layout";

const TREE = "0e000000-0000-4000-8000-000000000001";

const node = (id: string, extra: Partial<AttackNode> = {}) => attackNode(TREE, id, id, extra);

/** A goal over steps a and b. */
function model(): Document {
  const doc = emptyDocument();
  doc.attack_trees[TREE] = { id: TREE, name: "Goal", description: "", root: "goal" };
  doc.attack_nodes.goal = node("goal", { gate: "or", children: ["a", "b"] });
  doc.attack_nodes.a = node("a");
  doc.attack_nodes.b = node("b");
  return doc;
}

/** `doc` with one node replaced, the others kept as they were (as the mirror does). */
const edited = (doc: Document, n: AttackNode): Document => ({ ...doc, attack_nodes: { ...doc.attack_nodes, [n.id]: n } });

describe("keeping a tree's layout across edits", () => {
  it("keeps it when only a step's values or label change", () => {
    const doc = model();
    const a = doc.attack_nodes.a!;
    const after = edited(doc, { ...a, label: "Phish", attributes: { ...a.attributes, cost: 100 } });
    expect(sameLayout(doc, after, TREE)).toBe(true);
    const before = cachedLayout(doc, TREE);
    expect(cachedLayout(after, TREE)).toBe(before);
  });

  it("lays it out again when the structure changes", () => {
    const doc = model();
    const withChild = edited(edited(doc, { ...doc.attack_nodes.a!, gate: "and", children: ["c"] }), node("c"));
    expect(sameLayout(doc, withChild, TREE)).toBe(false);
    expect(cachedLayout(withChild, TREE).nodes.has("c")).toBe(true);
    expect(sameLayout(doc, edited(doc, { ...doc.attack_nodes.goal!, collapsed: true }), TREE)).toBe(false);
    const { b: _gone, ...rest } = doc.attack_nodes;
    expect(sameLayout(doc, { ...doc, attack_nodes: rest }, TREE)).toBe(false);
  });

  it("is not disturbed by another tree's nodes", () => {
    const doc = model();
    expect(sameLayout(doc, edited(doc, node("x", { tree: "another", children: ["y"] })), TREE)).toBe(true);
  });
});
