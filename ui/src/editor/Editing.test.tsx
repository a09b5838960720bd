import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";

import type { Element } from "../api/bindings/Element";
import type { Operation } from "../api/bindings/Operation";
import { App } from "../App";
import { useUi } from "../state/ui";
import { fakeBackend } from "../test/backend";
import { fakeEngine } from "../test/engine";
import { documentWith, flow, layout, shape, snapshot } from "../test/fixtures";
import { parse, PASTE_STEP } from "./clipboard";

const ZONE = "0c000000-0000-4000-8000-00000000000c";
const A = "0a000000-0000-4000-8000-00000000000a";
const B = "0b000000-0000-4000-8000-00000000000b";
const F = "0f000000-0000-4000-8000-00000000000f";
const SECOND = "00000000-0000-4000-8000-000000000002";

function model() {
  const doc = documentWith([
    { element: shape(ZONE, "trust_boundary", "Zone"), layout: layout(ZONE, 400, 0, 400, 300) },
    { element: shape(A, "process", "API"), layout: layout(A, 0, 0) },
    { element: shape(B, "data_store", "DB"), layout: layout(B, 0, 200, 160, 64) },
  ]);
  doc.elements[F] = flow(F, A, B, "Rows");
  doc.diagrams[SECOND] = { id: SECOND, name: "Second" };
  return doc;
}

async function open() {
  const engine = fakeEngine(model());
  const backend = fakeBackend({ current_model: () => snapshot(engine.doc()), apply: engine.apply });
  render(<App />);
  await screen.findAllByTestId("node");
  return { engine, backend };
}

const select = (ids: string[]) => act(() => useUi.getState().setSelection(ids));
const node = (id: string) => screen.getAllByTestId("node").find((n) => n.dataset.id === id)!;
const labels = () => screen.queryAllByTestId("node-label").map((l) => l.textContent).sort();

/** A clipboard event as the webview sends it, with the system clipboard as a plain store. */
function clipboardEvent(type: "copy" | "cut" | "paste", store: Map<string, string>) {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.assign(event, {
    clipboardData: { setData: (format: string, data: string) => store.set(format, data), getData: (format: string) => store.get(format) ?? "" },
  });
  act(() => void document.body.dispatchEvent(event));
  return event;
}

function put(op: Operation | undefined): Element[] {
  if (op?.op !== "put") throw new Error(`expected a put, got ${op?.op}`);
  return op.records.flatMap((r) => (r.type === "element" ? [r.value] : []));
}

describe("copy and paste", () => {
  it("Ctrl+C puts the selection on the system clipboard; Ctrl+V pastes a copy with its flow, selected", async () => {
    const { backend } = await open();
    select([A, B]);
    const system = new Map<string, string>();
    expect(clipboardEvent("copy", system).defaultPrevented).toBe(true);
    const payload = parse(system.get("text/plain")!);
    expect(payload?.elements.map((e) => e.name).sort()).toEqual(["API", "DB", "Rows"]);

    clipboardEvent("paste", system);
    await waitFor(() => expect(labels()).toEqual(["API", "API copy", "DB", "DB copy", "Zone"]));
    expect(backend.ops()).toHaveLength(1);
    const pasted = put(backend.ops()[0]);
    expect(pasted.map((e) => e.name).sort()).toEqual(["API copy", "DB copy", "Rows copy"]);
    expect(useUi.getState().selection.sort()).toEqual(pasted.map((e) => e.id).sort());
  });

  it("pastes into another diagram from the window's clipboard when the system one has other text", async () => {
    const { backend } = await open();
    select([A]);
    clipboardEvent("copy", new Map());
    fireEvent.click(screen.getAllByTestId("diagram-tab").find((t) => t.textContent === "Second")!);
    await waitFor(() => expect(labels()).toEqual([]));
    clipboardEvent("paste", new Map([["text/plain", "some text from elsewhere"]]));
    await waitFor(() => expect(labels()).toEqual(["API"]));
    expect(put(backend.ops()[0])).toMatchObject([{ name: "API", diagram: SECOND, parent: null }]);
  });

  it("Ctrl+X copies and deletes in one operation", async () => {
    const { backend } = await open();
    select([A]);
    const system = new Map<string, string>();
    clipboardEvent("cut", system);
    await waitFor(() => expect(labels()).toEqual(["DB", "Zone"]));
    expect(parse(system.get("text/plain")!)?.elements.map((e) => e.id)).toEqual([A]);
    expect(backend.ops()).toEqual([{ op: "delete", keys: [{ kind: "element", id: A }] }]);
  });

  it("leaves copy and paste to a text field that has the focus", async () => {
    const { backend } = await open();
    select([A]);
    const name = within(screen.getByTestId("inspector")).getByLabelText("Name");
    name.focus();
    const system = new Map<string, string>();
    const event = new Event("copy", { bubbles: true, cancelable: true });
    Object.assign(event, { clipboardData: { setData: (f: string, d: string) => system.set(f, d), getData: () => "" } });
    name.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    expect(system.size).toBe(0);
    expect(backend.ops()).toEqual([]);
  });

  it("Ctrl+D duplicates the selection beside itself", async () => {
    const { backend } = await open();
    select([A]);
    fireEvent.keyDown(document.body, { key: "d", ctrlKey: true });
    await waitFor(() => expect(labels()).toEqual(["API", "API copy", "DB", "Zone"]));
    const op = backend.ops()[0];
    if (op?.op !== "put") throw new Error("expected a put");
    expect(op.records.find((r) => r.type === "layout")?.value).toMatchObject({ x: PASTE_STEP, y: PASTE_STEP });
  });
});

describe("context menu", () => {
  it("right-clicking a shape selects it and offers its commands", async () => {
    await open();
    fireEvent.contextMenu(within(node(A)).getByTestId("node-label"));
    const menu = await screen.findByTestId("context-menu");
    expect(useUi.getState().selection).toEqual([A]);
    const items = within(menu).getAllByRole("menuitem").map((i) => i.querySelector(".menu__label")!.textContent);
    expect(items).toEqual(["Rename", "Duplicate", "Copy", "Cut", "Paste", "Delete", "Move into “Zone”"]);
    expect(within(menu).getByTestId("menu-paste")).toHaveProperty("disabled", true);
    fireEvent.click(within(menu).getByTestId("menu-rename"));
    expect(screen.queryByTestId("context-menu")).toBeNull();
    expect(await screen.findByTestId("rename-input")).toBeTruthy();
  });

  it("moves a shape into a boundary as one undo step", async () => {
    const { backend, engine } = await open();
    fireEvent.contextMenu(within(node(A)).getByTestId("node-label"));
    fireEvent.click(await screen.findByText("Move into “Zone”"));
    await waitFor(() => expect(backend.ops()).toHaveLength(2));
    const [translate, reparent] = backend.ops();
    expect(translate?.op).toBe("translate");
    expect(reparent).toEqual({ op: "reparent", ids: [A], parent: ZONE });
    const keys = backend.of("apply").map((c) => c.args.coalesce);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    const at = engine.doc().layouts[A]!;
    expect(at.x >= 400 && at.x + 120 <= 800 && at.y >= 0 && at.y + 120 <= 300).toBe(true);
  });

  it("aligns the selected shapes with one put of layouts", async () => {
    const { backend } = await open();
    select([A, B, ZONE]);
    fireEvent.contextMenu(within(node(B)).getByTestId("node-label"));
    const menu = await screen.findByTestId("context-menu");
    expect(within(menu).getByTestId("menu-distribute-vertical")).toBeTruthy();
    fireEvent.click(within(menu).getByTestId("menu-align-top"));
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    const op = backend.ops()[0];
    if (op?.op !== "put") throw new Error("expected a put");
    expect(op.records.map((r) => (r.type === "layout" ? [r.value.id, r.value.y] : r.type))).toEqual([[B, 0]]);
  });

  it("on the empty canvas offers paste, select all, layout and fit", async () => {
    await open();
    select([A]);
    fireEvent.contextMenu(document.querySelector(".react-flow__pane")!);
    const menu = await screen.findByTestId("context-menu");
    expect(useUi.getState().selection).toEqual([]);
    expect(within(menu).getAllByRole("menuitem").map((i) => i.querySelector(".menu__label")!.textContent)).toEqual([
      "Paste",
      "Select all",
      "Lay out automatically",
      "Fit to window",
    ]);
    fireEvent.click(within(menu).getByTestId("menu-select-all"));
    expect(useUi.getState().selection.sort()).toEqual([A, B, ZONE, F].sort());
  });
});
