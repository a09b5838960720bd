import { beforeEach, describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";

import type { Finding } from "../api/bindings/Finding";
import type { Operation } from "../api/bindings/Operation";
import type { Overview } from "../api/bindings/Overview";
import type { Threat } from "../api/bindings/Threat";
import type { ThreatView } from "../api/bindings/ThreatView";
import { App } from "../App";
import { resetAnalysis } from "../state/analysis";
import { useUi } from "../state/ui";
import { fakeBackend } from "../test/backend";
import { fakeEngine } from "../test/engine";
import { documentWith, layout, shape, snapshot } from "../test/fixtures";

const A = "0a000000-0000-4000-8000-00000000000a";
const B = "0b000000-0000-4000-8000-00000000000b";
const T1 = "71000000-0000-4000-8000-000000000001";
const T2 = "72000000-0000-4000-8000-000000000002";
const T3 = "73000000-0000-4000-8000-000000000003";
const FINDING = "f1000000-0000-4000-8000-000000000001";

function view(id: string, title: string, target: string, severity: ThreatView["severity"], more: Partial<ThreatView> = {}): ThreatView {
  const scores = { Low: [2, 2], Medium: [3, 3], High: [3, 4], Critical: [5, 5] }[severity];
  return {
    id,
    category: "Tampering",
    target_id: target,
    target_name: target === A ? "API" : "Worker",
    target_kind: "process",
    flow_id: null,
    diagram: null,
    title,
    description: "",
    rule_id: "T-1",
    why: "Rule T-1 fired",
    facts: [],
    likelihood: scores[0]!,
    impact: scores[1]!,
    detectability: null,
    score: scores[0]! * scores[1]!,
    rpn: null,
    severity,
    status: "Open",
    stale: false,
    stale_reason: null,
    origin: "generated",
    edited: false,
    decision: null,
    rationale: "",
    owner: "",
    due_date: null,
    reviewer: "",
    review_date: null,
    notes: "",
    mitigations: [],
    suggested_mitigations: ["Sign the messages"],
    references: ["CWE-345"],
    ...more,
  };
}

const REGISTER = [
  view(T1, "Tampering with API input", A, "Medium"),
  view(T2, "Worker runs forged jobs", B, "Critical"),
  view(T3, "Old threat on a deleted element", B, "Low", { stale: true, stale_reason: "its element was deleted" }),
];

const FINDING_ON_B: Finding = { id: FINDING, code: "DFD004", severity: "warning", element_ids: [B], message: "“Worker” has no flows", diagram: null, tree: null };

function overview(findings: Finding[] = [FINDING_ON_B]): Overview {
  return {
    validation: { findings, dismissed: [] },
    annotations: [
      { element: A, threats: 1, highest_threat: "Medium", findings: 0, highest_finding: null },
      { element: B, threats: 1, highest_threat: "Critical", findings: findings.length, highest_finding: findings.length ? "warning" : null },
    ],
    threat_count: REGISTER.length,
    undecided: 2,
  };
}

function record(v: ThreatView): Threat {
  return { ...v, target: v.target_id, mitigations: v.mitigations } as unknown as Threat;
}

async function open(answers: { overview?: () => Overview } = {}) {
  const doc = documentWith([
    { element: shape(A, "process", "API"), layout: layout(A, 0, 0) },
    { element: shape(B, "process", "Worker"), layout: layout(B, 300, 0) },
  ]);
  const engine = fakeEngine(doc);
  const backend = fakeBackend({
    current_model: () => snapshot(engine.doc()),
    apply: engine.apply,
    analysis_overview: answers.overview ?? (() => overview()),
    threat_register: () => REGISTER,
    threats_on: ({ element }) => REGISTER.filter((t) => t.target_id === element),
    threat_record: ({ id }) => record(REGISTER.find((t) => t.id === id)!),
  });
  render(<App />);
  await screen.findAllByTestId("node");
  return { engine, backend };
}

const putRecords = (op: Operation | undefined) => {
  if (!op || op.op !== "put") throw new Error(`expected a put, got ${op?.op}`);
  return op.records;
};

beforeEach(() => {
  resetAnalysis();
  useUi.setState({ panel: null, threat: null });
});

describe("analysis on the canvas", () => {
  it("draws the engine's counts as badges on the shapes", async () => {
    await open();
    await waitFor(() => expect(screen.getAllByTestId("threat-badge")).toHaveLength(2));
    const worker = screen.getAllByTestId("node").find((n) => n.textContent?.includes("Worker"))!;
    expect(within(worker).getByTestId("threat-badge").className).toContain("badge--critical");
    expect(within(worker).getByTestId("finding-badge").textContent).toBe("!1");
  });

  it("asks the engine again after an edit, and shows what it says", async () => {
    let findings = [FINDING_ON_B];
    const { backend } = await open({ overview: () => overview(findings) });
    await screen.findByTestId("finding-badge");
    findings = [];
    act(() => useUi.getState().setSelection([A]));
    fireEvent.keyDown(window, { key: "Delete" });
    await waitFor(() => expect(screen.queryByTestId("finding-badge")).toBeNull());
    expect(backend.of("analysis_overview").length).toBeGreaterThanOrEqual(2);
  });
});

describe("findings panel", () => {
  it("lists findings; a click selects the element; a dismissal keeps the reason in the model", async () => {
    const { backend } = await open();
    fireEvent.click(await screen.findByTestId("findings-button"));
    const row = await screen.findByTestId("finding");
    expect(row.textContent).toContain("DFD004");
    fireEvent.click(within(row).getByTestId("finding-message"));
    expect(useUi.getState().selection).toEqual([B]);

    fireEvent.click(within(row).getByTestId("dismiss-finding"));
    const confirm = within(row).getByTestId("dismiss-confirm") as HTMLButtonElement;
    expect(confirm.disabled).toBe(true); // a reason is required
    fireEvent.change(within(row).getByTestId("dismiss-reason"), { target: { value: "the worker is drawn in another diagram" } });
    fireEvent.click(confirm);
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    const [dismissal] = putRecords(backend.ops()[0]);
    expect(dismissal).toMatchObject({ type: "dismissal", value: { id: FINDING, code: "DFD004", element_ids: [B], reason: "the worker is drawn in another diagram" } });
  });
});

describe("threat register", () => {
  async function openRegister() {
    const opened = await open();
    fireEvent.click(await screen.findByTestId("threats-button"));
    await screen.findAllByTestId("threat-row");
    return opened;
  }
  const titles = () => screen.getAllByTestId("threat-title").map((t) => t.firstChild?.textContent);

  it("sorts by risk, highest first, and by other columns on request", async () => {
    await openRegister();
    expect(titles()).toEqual(["Worker runs forged jobs", "Tampering with API input", "Old threat on a deleted element"]);
    fireEvent.click(screen.getByTestId("sort-title"));
    expect(titles()).toEqual(["Old threat on a deleted element", "Tampering with API input", "Worker runs forged jobs"]);
  });

  it("filters by severity, stale and the selected element", async () => {
    await openRegister();
    fireEvent.change(screen.getByTestId("filter-severity"), { target: { value: "Critical" } });
    expect(titles()).toEqual(["Worker runs forged jobs"]);
    fireEvent.change(screen.getByTestId("filter-severity"), { target: { value: "" } });
    fireEvent.change(screen.getByTestId("filter-stale"), { target: { value: "only" } });
    expect(titles()).toEqual(["Old threat on a deleted element"]);
    fireEvent.change(screen.getByTestId("filter-stale"), { target: { value: "hide" } });
    act(() => useUi.getState().setSelection([A]));
    fireEvent.click(screen.getByTestId("filter-selected"));
    expect(titles()).toEqual(["Tampering with API input"]);
    expect(screen.getByTestId("register-count").textContent).toBe("1 of 3 threats");
  });

  it("selecting a threat shows its element; a decision is stored with every generated field", async () => {
    const { backend } = await openRegister();
    fireEvent.click(screen.getAllByTestId("threat-row")[0]!);
    expect(useUi.getState().selection).toEqual([B]);
    const details = screen.getByTestId("threat-details");
    expect(within(details).getByTestId("threat-why").textContent).toBe("Rule T-1 fired");
    fireEvent.change(within(within(details).getByTestId("threat-decision")).getByRole("combobox"), { target: { value: "Accept" } });
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    const [stored] = putRecords(backend.ops()[0]);
    expect(stored).toMatchObject({ type: "threat", value: { id: T2, decision: "Accept", title: "Worker runs forged jobs", rule_id: "T-1", references: ["CWE-345"] } });
  });

  it("adopting a suggested mitigation creates it and links it in one step", async () => {
    const { backend } = await openRegister();
    fireEvent.click(screen.getAllByTestId("threat-row")[1]!);
    fireEvent.click(screen.getByTestId("adopt-suggestion"));
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    const [mitigation, threat] = putRecords(backend.ops()[0]);
    expect(mitigation).toMatchObject({ type: "mitigation", value: { name: "Sign the messages", status: "Proposed" } });
    const created = (mitigation as { value: { id: string } }).value.id;
    expect(threat).toMatchObject({ type: "threat", value: { id: T1, mitigations: [created] } });
  });

  it("a manual threat is written against the selected element", async () => {
    const { backend } = await openRegister();
    act(() => useUi.getState().setSelection([A]));
    fireEvent.click(screen.getByTestId("add-threat"));
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    const [threat] = putRecords(backend.ops()[0]);
    expect(threat).toMatchObject({ type: "threat", value: { origin: "manual", target: A, status: "Open" } });
  });
});

describe("rule packs", () => {
  it("a loaded pack regenerates the threats; a refused one says why", async () => {
    let answer: () => unknown = () => 52;
    const doc = documentWith([{ element: shape(A, "process", "API"), layout: layout(A, 0, 0) }]);
    const engine = fakeEngine(doc);
    const backend = fakeBackend({
      current_model: () => snapshot(engine.doc()),
      apply: engine.apply,
      threat_register: () => REGISTER,
      load_rule_pack_dialog: () => answer(),
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("threats-button"));
    const before = backend.of("analysis_overview").length;
    fireEvent.click(await screen.findByTestId("load-rule-pack"));
    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("Rule pack loaded · 52 rules in use"));
    expect(backend.of("analysis_overview").length).toBeGreaterThan(before);

    answer = () => {
      throw "pack.json: rule pack “extra”: rule X-1 has no title";
    };
    fireEvent.click(screen.getByTestId("load-rule-pack"));
    expect((await screen.findByTestId("error-message")).textContent).toContain("rule X-1 has no title");
  });
});

describe("inspector", () => {
  it("lists the selected element's threats; a click opens it in the register", async () => {
    await open();
    act(() => useUi.getState().setSelection([B]));
    const list = await screen.findByTestId("element-threats");
    // The stale one is not listed as a threat of the element.
    await waitFor(() => expect(within(list).getAllByTestId("element-threat")).toHaveLength(1));
    fireEvent.click(within(list).getByTestId("element-threat"));
    expect(useUi.getState().panel).toBe("threats");
    expect(await screen.findByTestId("threat-details")).toBeTruthy();
  });
});
