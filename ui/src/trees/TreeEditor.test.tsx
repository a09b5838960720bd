import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";

import type { AnalysisOptions } from "../api/bindings/AnalysisOptions";
import type { AttackNode } from "../api/bindings/AttackNode";
import type { Document } from "../api/bindings/Document";
import type { NodeAnalysis } from "../api/bindings/NodeAnalysis";
import type { Operation } from "../api/bindings/Operation";
import type { TreeAnalysis } from "../api/bindings/TreeAnalysis";
import type { TreeUpdate } from "../api/bindings/TreeUpdate";
import type { TreeView } from "../api/bindings/TreeView";
import { App } from "../App";
import { useUi } from "../state/ui";
import { fakeBackend } from "../test/backend";
import { fakeEngine } from "../test/engine";
import { attackNode, DIAGRAM, emptyDocument, layout, shape, snapshot } from "../test/fixtures";
import { layoutTree } from "./layout";

const TREE = "0e000000-0000-4000-8000-000000000001";
const GOAL = "0e000000-0000-4000-8000-0000000000a0";
const PHISH = "0e000000-0000-4000-8000-0000000000a1";
const BRIBE = "0e000000-0000-4000-8000-0000000000a2";
const TRAINING = "0e000000-0000-4000-8000-0000000000d1";
const API = "0a000000-0000-4000-8000-00000000000a";

const node = (id: string, label: string, extra: Partial<AttackNode> = {}) => attackNode(TREE, id, label, extra);

/** "Steal the data": OR of phishing (100, with a training countermeasure) and bribery (300). */
function model(): Document {
  const doc = emptyDocument();
  doc.elements[API] = shape(API, "process", "API");
  doc.layouts[API] = layout(API, 0, 0);
  doc.attack_trees[TREE] = { id: TREE, name: "Steal the data", description: "", root: GOAL };
  doc.attack_nodes[GOAL] = node(GOAL, "Steal the data", { gate: "or", children: [PHISH, BRIBE] });
  doc.attack_nodes[PHISH] = node(PHISH, "Phish an admin", { countermeasures: [TRAINING], attributes: { cost: 100, probability: 0.3, time: 2, skill: 2, detectability: null } });
  doc.attack_nodes[BRIBE] = node(BRIBE, "Bribe an insider", { attributes: { cost: 300, probability: 0.5, time: 48, skill: 1, detectability: null } });
  doc.attack_nodes[TRAINING] = node(TRAINING, "Phishing training", { role: "defense" });
  return doc;
}

const values = (id: string, cost: number | null, extra: Partial<NodeAnalysis> = {}): NodeAnalysis => ({
  id,
  role: id === TRAINING ? "defense" : "attack",
  min_cost: cost,
  max_probability: 0.3,
  probability: 0.65,
  min_time: 2,
  min_skill: 1,
  reachable: true,
  within_profile: null,
  ...extra,
});

/** What the engine would say: with the training in place the cheapest way is bribery. */
function engineAnswer(doc: Document, options: AnalysisOptions): TreeAnalysis {
  const trained = options.overrides.find((o) => o.node === TRAINING)?.implemented ?? doc.attack_nodes[TRAINING]!.implemented;
  const cost = trained ? 300 : 100;
  const step = trained ? BRIBE : PHISH;
  const label = trained ? "Bribe an insider" : "Phish an admin";
  const scenario = { cost, probability: 0.3, time: trained ? 48 : 2, skill: 1, steps: [step], labels: [label] };
  const within = options.profile?.budget != null ? options.profile.budget >= cost : null;
  return {
    tree: TREE,
    name: "Steal the data",
    root: values(GOAL, cost, { within_profile: within }),
    nodes: [values(GOAL, cost, { within_profile: within }), values(PHISH, 100, { reachable: !trained }), values(BRIBE, 300), values(TRAINING, null)],
    shared_steps: 0,
    cheapest: scenario,
    cheapest_nodes: [GOAL, step],
    top: [scenario],
    pareto: [scenario],
    profile: options.profile ? { profile: options.profile, reachable: within !== false, scenarios: [], complete: true } : null,
    exact: true,
    warnings: [],
  };
}

/** The engine's answer as the shell sends it the first time: every node's values. */
let revision = 0;
function fullUpdate(analysis: TreeAnalysis): TreeUpdate {
  revision += 1;
  return { revision, full: true, analysis: { ...analysis, nodes: [] }, changed: analysis.nodes, removed: [] };
}

async function openTree() {
  const engine = fakeEngine(model());
  const backend = fakeBackend({
    current_model: () => snapshot(engine.doc()),
    // As the shell does: the shown tree's analysis comes with the edit's patch.
    apply: (args) => {
      const applied = engine.apply(args);
      const view = args.view as TreeView | null;
      return view ? { ...applied, tree: fullUpdate(engineAnswer(engine.doc(), view.options)) } : applied;
    },
    analyze_tree: ({ view }) => fullUpdate(engineAnswer(engine.doc(), (view as TreeView).options)),
    countermeasure_effects: ({ options }) => {
      const now = engineAnswer(engine.doc(), options as AnalysisOptions);
      const implemented = engine.doc().attack_nodes[TRAINING]!.implemented;
      return [{ node: TRAINING, label: "Phishing training", implemented, cost_if_toggled: now.root.min_cost === 100 ? 300 : 100, reachable_if_toggled: true }];
    },
    undo: () => null,
    what_if: () => ({ before_cost: 100, before_reachable: true, after_cost: 300, after_reachable: true, after_cheapest: null }),
  });
  render(<App />);
  fireEvent.click(await screen.findByTestId("tree-tab"));
  await screen.findByTestId("tree-editor");
  await waitFor(() => expect(screen.getByTestId("tree-cheapest-cost").dataset.cost).toBe("100"));
  return { engine, backend };
}

const card = (id: string) => screen.getAllByTestId("tree-node").find((n) => n.dataset.id === id)!;
const canvas = () => screen.getByTestId("tree-canvas");
const lastOp = (ops: Operation[]) => ops.at(-1)!;

/** The tree nodes a put writes, in order. */
function nodesOf(op: Operation): AttackNode[] {
  if (op.op !== "put") throw new Error(`expected a put, got ${op.op}`);
  return op.records.flatMap((r) => (r.type === "attack_node" ? [r.value] : []));
}

describe("attack tree editor", () => {
  it("shows the tree from its tab with the engine's values at every node and the cheapest path lit", async () => {
    await openTree();
    expect(screen.getAllByTestId("tree-node")).toHaveLength(4);
    expect(card(PHISH).dataset.cost).toBe("100");
    expect(within(card(PHISH)).getByTestId("node-cost").textContent).toContain("100");
    expect(card(GOAL).dataset.lit).toBe("true");
    expect(card(PHISH).dataset.lit).toBe("true");
    expect(card(BRIBE).dataset.lit).toBe("false");
    // The OR gate is drawn under the goal.
    expect(document.querySelector(`[data-testid="gate"][data-node="${GOAL}"]`)?.getAttribute("data-gate")).toBe("or");
    // The DFD palette and inspector make way for the tree's own, and the diagram's auto layout is off.
    expect(screen.getByTestId("tree-inspector")).toBeTruthy();
    expect((screen.getByTestId("auto-layout") as HTMLButtonElement).disabled).toBe(true);
  });

  it("Tab adds a child and starts renaming it; Enter commits, Enter again adds a sibling", async () => {
    const { backend, engine } = await openTree();
    act(() => canvas().focus());
    fireEvent.keyDown(canvas(), { key: "ArrowDown" });
    fireEvent.keyDown(canvas(), { key: "Tab" });
    const input = (await screen.findByTestId("rename-input")) as HTMLInputElement;
    const add = lastOp(backend.ops());
    // The phishing step becomes an OR over its new child, in one put.
    const [parent, child] = nodesOf(add);
    expect(parent!.id).toBe(PHISH);
    expect(parent!.gate).toBe("or");
    expect(parent!.children).toEqual([child!.id]);

    fireEvent.change(input, { target: { value: "Send a fake login page" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(engine.doc().attack_nodes[child!.id]?.label).toBe("Send a fake login page"));
    // Enter on the selected node adds a sibling right after it.
    fireEvent.keyDown(canvas(), { key: "Enter" });
    await screen.findByTestId("rename-input");
    const [after, sibling] = nodesOf(lastOp(backend.ops()));
    expect(after!.children).toEqual([child!.id, sibling!.id]);
  });

  it("typing over a selected node renames it, arrows move the selection, Delete deletes", async () => {
    const { backend } = await openTree();
    fireEvent.keyDown(canvas(), { key: "ArrowDown" });
    fireEvent.keyDown(canvas(), { key: "ArrowRight" });
    expect(screen.getByTestId("inspector-title").textContent).toBe("Attack step");
    fireEvent.keyDown(canvas(), { key: "B" });
    const input = (await screen.findByTestId("rename-input")) as HTMLInputElement;
    expect(input.value).toBe("B");
    fireEvent.keyDown(input, { key: "Escape" });
    fireEvent.keyDown(canvas(), { key: "ArrowLeft" });
    fireEvent.keyDown(canvas(), { key: "Delete" });
    await waitFor(() => expect(lastOp(backend.ops())).toEqual({ op: "delete", keys: [{ kind: "attack_node", id: PHISH }] }));
  });

  it("a leaf's cost is edited in the inspector and sent as a number", async () => {
    const { engine } = await openTree();
    fireEvent.mouseDown(card(BRIBE));
    const cost = within(screen.getByTestId("attr-cost")).getByRole("textbox");
    fireEvent.focus(cost);
    fireEvent.change(cost, { target: { value: "250" } });
    fireEvent.blur(cost);
    await waitFor(() => expect(engine.doc().attack_nodes[BRIBE]!.attributes.cost).toBe(250));
  });

  it("toggling a countermeasure is one put, and the panel says how the cheapest cost moved", async () => {
    const { backend, engine } = await openTree();
    const asked = backend.of("analyze_tree").length;
    fireEvent.click(within(card(TRAINING)).getByTestId("cm-implemented"));
    await waitFor(() => expect(screen.getByTestId("tree-cheapest-cost").dataset.cost).toBe("300"));
    // The new values came with the edit, without a second request.
    expect(backend.of("analyze_tree")).toHaveLength(asked);
    expect((backend.of("apply").at(-1)!.args.view as TreeView).tree).toBe(TREE);
    expect(engine.doc().attack_nodes[TRAINING]!.implemented).toBe(true);
    expect(screen.getByTestId("cost-change").textContent).toMatch(/was .*100.*now .*300/);
    expect(card(BRIBE).dataset.lit).toBe("true");
  });

  it("what-if tries a countermeasure without changing the model; the profile greys out and answers", async () => {
    const { backend, engine } = await openTree();
    fireEvent.click(within(screen.getByTestId("whatif-list")).getByRole("checkbox"));
    await waitFor(() => expect(screen.getByTestId("tree-cheapest-cost").dataset.cost).toBe("300"));
    expect(engine.doc().attack_nodes[TRAINING]!.implemented).toBe(false);
    expect((backend.of("analyze_tree").at(-1)!.args.view as TreeView).options.overrides).toEqual([{ node: TRAINING, implemented: true }]);

    fireEvent.change(screen.getByTestId("profile-budget"), { target: { value: "200" } });
    await waitFor(() => expect(screen.getByTestId("profile-verdict").textContent).toBe("This attacker cannot reach the goal."));
    expect(card(GOAL).className).toContain("is-out-of-reach");
  });

  it("presents the cheapest path step by step and ends with a summary in the model's currency", async () => {
    await openTree();
    fireEvent.keyDown(window, { key: "F5" });
    expect(await screen.findByTestId("slide-title")).toBeTruthy();
    fireEvent.keyDown(window, { key: "ArrowRight" });
    expect(screen.getAllByTestId("revealed-step").map((s) => s.textContent)).toEqual([expect.stringContaining("Phish an admin")]);
    fireEvent.keyDown(window, { key: " " });
    const summary = await screen.findByTestId("summary-line");
    expect(summary.textContent).toBe(`The cheapest way in costs €100 and takes 2 hours.`);
    expect(screen.getByTestId("summary-control").textContent).toContain("With “Phishing training” in place, it costs €300.");
    fireEvent.keyDown(window, { key: "Escape" });
    expect(screen.queryByTestId("presentation")).toBeNull();
  });

  it("a link to a DFD element jumps to it", async () => {
    const { engine } = await openTree();
    fireEvent.mouseDown(card(PHISH));
    fireEvent.change(within(screen.getByTestId("add-link")).getByRole("textbox"), { target: { value: "api" } });
    fireEvent.click(screen.getByTestId("pick-match"));
    await waitFor(() => expect(engine.doc().attack_nodes[PHISH]!.links).toEqual([API]));
    fireEvent.click(await screen.findByTestId("node-link"));
    await waitFor(() => expect(screen.queryByTestId("tree-editor")).toBeNull());
    expect(useUi.getState().selection).toEqual([API]);
    expect(useUi.getState().diagram).toBe(DIAGRAM);
  });
});

describe("reuse and collapse", () => {
  it("reuses an existing step under another parent (never one above it) and collapses with Space", async () => {
    const { backend, engine } = await openTree();
    fireEvent.mouseDown(card(BRIBE));
    const search = within(screen.getByTestId("link-existing")).getByRole("textbox");
    // Neither the goal above nor the step itself is offered.
    fireEvent.change(search, { target: { value: "a" } });
    expect(screen.getAllByTestId("pick-match").map((o) => o.textContent)).toEqual(["Phish an admin"]);
    fireEvent.click(screen.getByTestId("pick-match"));
    await waitFor(() => expect(engine.doc().attack_nodes[BRIBE]!.children).toEqual([PHISH]));
    expect(nodesOf(lastOp(backend.ops()))[0]!.gate).toBe("or");
    // Drawn once, linked from both parents.
    await waitFor(() => expect(document.querySelectorAll(".tree-link--shared")).toHaveLength(1));
    expect(screen.getAllByTestId("tree-node").filter((n) => n.dataset.id === PHISH)).toHaveLength(1);

    fireEvent.mouseDown(card(GOAL));
    fireEvent.keyDown(canvas(), { key: " " });
    await waitFor(() => expect(screen.getAllByTestId("tree-node")).toHaveLength(1));
    expect(within(card(GOAL)).getByTestId("fold").textContent).toBe("▸ 3 hidden");
  });
});

describe("tree layout", () => {
  it("places a shared step once, under its first parent, and links it from the others; collapsed subtrees are hidden", () => {
    const doc = model();
    const SHARED = "0e000000-0000-4000-8000-0000000000a3";
    doc.attack_nodes[SHARED] = node(SHARED, "Get a badge");
    doc.attack_nodes[PHISH] = { ...doc.attack_nodes[PHISH]!, gate: "and", children: [SHARED] };
    doc.attack_nodes[BRIBE] = { ...doc.attack_nodes[BRIBE]!, gate: "and", children: [SHARED] };
    const l = layoutTree(doc, TREE);
    expect(l.order).toEqual([GOAL, PHISH, SHARED, TRAINING, BRIBE]);
    expect(l.links.filter((x) => x.to === SHARED).map((x) => [x.from, x.primary])).toEqual([
      [PHISH, true],
      [BRIBE, false],
    ]);
    // Parents sit above their children, centred.
    expect(l.nodes.get(SHARED)!.y).toBeGreaterThan(l.nodes.get(PHISH)!.y);

    doc.attack_nodes[PHISH] = { ...doc.attack_nodes[PHISH]!, collapsed: true };
    const folded = layoutTree(doc, TREE);
    expect(folded.nodes.get(PHISH)!.hidden).toBe(2);
    // The shared step is still reached through bribery.
    expect(folded.order).toEqual([GOAL, PHISH, BRIBE, SHARED]);
  });
});

describe("keys in the tree view", () => {
  it("the diagram's shortcuts stay off while a tree is shown; undo still goes to the engine", async () => {
    const { backend } = await openTree();
    fireEvent.keyDown(document.body, { key: "a", ctrlKey: true });
    expect(useUi.getState().selection).toEqual([]);
    backend.calls.length = 0;
    fireEvent.keyDown(document.body, { key: "z", ctrlKey: true });
    await waitFor(() => expect(backend.of("undo")).toHaveLength(1));
  });
});
