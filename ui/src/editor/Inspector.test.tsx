import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";

import type { Element } from "../api/bindings/Element";
import type { Operation } from "../api/bindings/Operation";
import { App } from "../App";
import { TEXT_SEND_DELAY_MS } from "../components/fields";
import { useUi } from "../state/ui";
import { fakeBackend } from "../test/backend";
import { fakeEngine } from "../test/engine";
import { documentWith, flow, layout, shape, snapshot } from "../test/fixtures";
import { withProperty } from "./properties";

const A = "0a000000-0000-4000-8000-00000000000a";
const B = "0b000000-0000-4000-8000-00000000000b";
const S1 = "01000000-0000-4000-8000-000000000001";
const S2 = "02000000-0000-4000-8000-000000000002";
const F = "0f000000-0000-4000-8000-00000000000f";

function model() {
  const doc = documentWith([
    { element: shape(A, "process", "API"), layout: layout(A, 0, 0) },
    { element: shape(B, "process", "Worker"), layout: layout(B, 300, 0) },
    { element: withProperty(shape(S1, "data_store", "Orders"), "encrypted_at_rest", true), layout: layout(S1, 0, 300, 160, 64) },
    { element: shape(S2, "data_store", "Sessions"), layout: layout(S2, 300, 300, 160, 64) },
  ]);
  doc.elements[F] = flow(F, A, B, "Jobs");
  return doc;
}

async function openWith(selection: string[]) {
  const engine = fakeEngine(model());
  const backend = fakeBackend({ current_model: () => snapshot(engine.doc()), apply: engine.apply });
  render(<App />);
  await screen.findAllByTestId("node");
  act(() => useUi.getState().setSelection(selection));
  return { engine, backend, inspector: screen.getByTestId("inspector") };
}

/** The elements a `put` carries. */
function putElements(op: Operation | undefined): Element[] {
  if (!op || op.op !== "put") throw new Error(`expected a put, got ${op?.op}`);
  return op.records.map((r) => {
    if (r.type !== "element") throw new Error(`expected an element, got ${r.type}`);
    return r.value;
  });
}

const option = (field: HTMLElement, value: string) => within(field).getAllByRole("radio").find((r) => r.dataset.value === value)!;
const pause = (ms: number) => act(() => new Promise((resolve) => setTimeout(resolve, ms)));

describe("inspector", () => {
  it("asks for a selection when nothing is selected", async () => {
    await openWith([]);
    expect(screen.getByTestId("inspector").textContent).toContain("Select an element");
  });

  it("shows a process's fields and typed properties, each with what it changes", async () => {
    const { inspector } = await openWith([A]);
    expect(within(inspector).getByTestId("inspector-title").textContent).toBe("Process");
    expect((within(inspector).getByLabelText("Name") as HTMLInputElement).value).toBe("API");
    const props = within(inspector)
      .getAllByTestId(/^prop-/)
      .map((p) => p.dataset.testid);
    expect(props).toEqual([
      "prop-privilege",
      "prop-authenticates_callers",
      "prop-authorizes_callers",
      "prop-validates_input",
      "prop-logs_security_events",
      "prop-internet_facing",
      "prop-handles_secrets",
    ]);
    const internet = within(inspector).getByTestId("prop-internet_facing");
    expect(internet.textContent).toContain("raises the likelihood of spoofing");
    expect(option(internet, "unknown").getAttribute("aria-checked")).toBe("true");
  });

  it("Yes on a property sends one put of the whole element", async () => {
    const { backend, inspector } = await openWith([A]);
    const internet = within(inspector).getByTestId("prop-internet_facing");
    fireEvent.click(option(internet, "yes"));

    await waitFor(() => expect(option(within(screen.getByTestId("inspector")).getByTestId("prop-internet_facing"), "yes").getAttribute("aria-checked")).toBe("true"));
    expect(backend.ops()).toHaveLength(1);
    const [sent] = putElements(backend.ops()[0]);
    expect(sent).toEqual(withProperty(shape(A, "process", "API"), "internet_facing", true));
    expect(backend.of("apply")[0]!.args.coalesce).toBeNull();
  });

  it("keeps plain keys to itself: Delete on its buttons deletes nothing, Ctrl+Z still undoes", async () => {
    const { backend } = await openWith([A]);
    backend.calls.length = 0;
    const yes = option(within(screen.getByTestId("inspector")).getByTestId("prop-validates_input"), "yes");
    yes.focus();
    fireEvent.keyDown(yes, { key: "Delete" });
    fireEvent.keyDown(yes, { key: "Backspace" });
    fireEvent.keyDown(yes, { key: "z", ctrlKey: true });
    await waitFor(() => expect(backend.calls.map((c) => c.cmd)).toEqual(["undo"]));
    expect(screen.getAllByTestId("node")).toHaveLength(4);
  });

  it("a select sets an enum property, and Unknown clears it", async () => {
    const { backend, inspector } = await openWith([A]);
    const privilege = within(inspector).getByLabelText("Runs as") as HTMLSelectElement;
    fireEvent.change(privilege, { target: { value: "root" } });
    await waitFor(() => expect((within(screen.getByTestId("inspector")).getByLabelText("Runs as") as HTMLSelectElement).value).toBe("root"));
    fireEvent.change(within(screen.getByTestId("inspector")).getByLabelText("Runs as"), { target: { value: "" } });
    await waitFor(() => expect(backend.ops()).toHaveLength(2));
    expect(putElements(backend.ops()[0])[0]!.properties).toMatchObject({ privilege: "root" });
    expect(putElements(backend.ops()[1])[0]!.properties).toMatchObject({ privilege: null });
  });

  it("typing in a field is one undo step: every send of the visit has the same coalesce key", async () => {
    const { backend, inspector, engine } = await openWith([A]);
    const name = within(inspector).getByLabelText("Name") as HTMLInputElement;
    fireEvent.focus(name);
    fireEvent.change(name, { target: { value: "Pay" } });
    await pause(TEXT_SEND_DELAY_MS + 50);
    fireEvent.change(name, { target: { value: "Payments" } });
    await pause(TEXT_SEND_DELAY_MS + 50);
    fireEvent.change(name, { target: { value: "Payments API" } });
    // What was typed stays while the answers come back.
    expect(name.value).toBe("Payments API");
    fireEvent.blur(name);

    await waitFor(() => expect(backend.ops()).toHaveLength(3));
    expect(backend.ops().map((op) => putElements(op)[0]!.name)).toEqual(["Pay", "Payments", "Payments API"]);
    const keys = backend.of("apply").map((c) => c.args.coalesce);
    expect(keys[0]).toEqual(expect.any(String));
    expect(new Set(keys).size).toBe(1);
    expect(engine.doc().elements[A]!.name).toBe("Payments API");
    await waitFor(() => expect(screen.getAllByTestId("node-label").map((l) => l.textContent)).toContain("Payments API"));

    // The next visit to the field is another undo step.
    fireEvent.focus(name);
    fireEvent.change(name, { target: { value: "Payments gateway" } });
    fireEvent.blur(name);
    await waitFor(() => expect(backend.ops()).toHaveLength(4));
    expect(backend.of("apply")[3]!.args.coalesce).not.toBe(keys[0]);
  });

  it("sends what was typed when the selection changes before the pause is over", async () => {
    const { backend, inspector } = await openWith([A]);
    const technology = within(inspector).getByLabelText("Technology");
    fireEvent.focus(technology);
    fireEvent.change(technology, { target: { value: "Go 1.23" } });
    act(() => useUi.getState().setSelection([B]));
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    expect(putElements(backend.ops()[0]).map((e) => [e.id, e.technology])).toEqual([[A, "Go 1.23"]]);
  });

  it("tags are typed comma-separated and stored as a list", async () => {
    const { backend, inspector } = await openWith([A]);
    const tags = within(inspector).getByLabelText("Tags");
    fireEvent.focus(tags);
    fireEvent.change(tags, { target: { value: "pci, , edge ,payments" } });
    fireEvent.blur(tags);
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    expect(putElements(backend.ops()[0])[0]!.tags).toEqual(["pci", "edge", "payments"]);
  });

  it("out of scope asks for the reason", async () => {
    const { backend, inspector } = await openWith([A]);
    expect(within(inspector).queryByLabelText("Why it is out of scope")).toBeNull();
    fireEvent.click(within(inspector).getByLabelText("Out of scope"));
    const reason = await within(screen.getByTestId("inspector")).findByLabelText("Why it is out of scope");
    expect(putElements(backend.ops()[0])[0]!.out_of_scope).toBe(true);
    fireEvent.focus(reason);
    fireEvent.change(reason, { target: { value: "Run by the bank" } });
    fireEvent.blur(reason);
    await waitFor(() => expect(backend.ops()).toHaveLength(2));
    expect(putElements(backend.ops()[1])[0]).toMatchObject({ out_of_scope: true, out_of_scope_reason: "Run by the bank" });
  });

  it("a flow shows its ends, its protocol and whether it goes both ways", async () => {
    const { backend, inspector } = await openWith([F]);
    expect(within(inspector).getByTestId("inspector-title").textContent).toBe("Flow");
    expect(inspector.textContent).toContain("From API to Worker");
    const protocol = within(inspector).getByLabelText("Protocol");
    fireEvent.focus(protocol);
    fireEvent.change(protocol, { target: { value: "HTTPS" } });
    fireEvent.blur(protocol);
    fireEvent.click(within(inspector).getByLabelText("Goes both ways"));
    fireEvent.change(within(inspector).getByLabelText("Data classification"), { target: { value: "secret" } });
    await waitFor(() => expect(backend.ops()).toHaveLength(3));
    expect(putElements(backend.ops()[2])[0]!.properties).toMatchObject({ protocol: "HTTPS", bidirectional: true, data_classification: "secret" });
  });

  it("edits a property of several elements of one kind in one put, showing where they differ", async () => {
    const { backend, inspector } = await openWith([S1, S2]);
    expect(within(inspector).getByTestId("inspector-title").textContent).toBe("2 data stores");
    // Per-element fields are not offered for several elements.
    expect(within(inspector).queryByLabelText("Name")).toBeNull();
    const encrypted = within(inspector).getByTestId("prop-encrypted_at_rest");
    expect(within(encrypted).getAllByRole("radio").filter((r) => r.getAttribute("aria-checked") === "true")).toEqual([]);
    expect(encrypted.textContent).toContain("Differs between the selected elements");
    // Both are "unknown" here: the shared value shows.
    expect(option(within(inspector).getByTestId("prop-backed_up"), "unknown").getAttribute("aria-checked")).toBe("true");

    fireEvent.click(option(encrypted, "yes"));
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    // Orders is already encrypted: only Sessions changes.
    expect(putElements(backend.ops()[0]).map((e) => [e.name, (e.properties as { encrypted_at_rest: boolean | null }).encrypted_at_rest])).toEqual([["Sessions", true]]);
    fireEvent.click(option(within(screen.getByTestId("inspector")).getByTestId("prop-backed_up"), "no"));
    await waitFor(() => expect(backend.ops()).toHaveLength(2));
    expect(putElements(backend.ops()[1]).map((e) => e.id)).toEqual([S1, S2]);
  });

  it("elements of different kinds share only the common fields", async () => {
    const { backend, inspector } = await openWith([A, S1]);
    expect(within(inspector).getByTestId("inspector-title").textContent).toBe("2 elements");
    expect(within(inspector).queryAllByTestId(/^prop-/)).toEqual([]);
    expect(inspector.textContent).toContain("Select elements of one kind");
    const owner = within(inspector).getByLabelText("Owner");
    fireEvent.focus(owner);
    fireEvent.change(owner, { target: { value: "Payments team" } });
    fireEvent.blur(owner);
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    expect(putElements(backend.ops()[0]).map((e) => [e.id, e.owner])).toEqual([
      [A, "Payments team"],
      [S1, "Payments team"],
    ]);
  });
});
