import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";

import type { Applied } from "../api/bindings/Applied";
import type { Element } from "../api/bindings/Element";
import type { Layout } from "../api/bindings/Layout";
import type { Operation } from "../api/bindings/Operation";
import { App } from "../App";
import { fakeBackend } from "../test/backend";
import { DIAGRAM, documentWith, emptyDocument, layout, shape, snapshot } from "../test/fixtures";
import type { ShapeKind } from "./elements";

const A = "0a000000-0000-4000-8000-00000000000a";
const B = "0b000000-0000-4000-8000-00000000000b";

/** The engine's answer to a `put`: every record created. */
function createdBy(op: Operation, undoLabel: string): Applied {
  if (op.op !== "put") throw new Error(`expected a put, got ${op.op}`);
  return {
    patch: {
      changes: op.records.map((r) => ({
        key: { kind: r.type, id: r.type === "metadata" ? "" : r.value.id },
        before: null,
        after: r,
      })),
    },
    history: { undo: undoLabel, redo: null },
    tree: null,
  };
}

function node(id: string): HTMLElement {
  const found = screen.getAllByTestId("node").find((n) => n.dataset.id === id);
  if (!found) throw new Error(`no node ${id}`);
  return found;
}

/** Click a shape as a user would (React Flow listens on the node wrapper). */
function click(id: string, init: MouseEventInit = {}) {
  fireEvent.click(within(node(id)).getByTestId("node-label"), init);
}

const twoProcesses = () =>
  documentWith([
    { element: shape(A, "process", "API"), layout: layout(A, 0, 0) },
    { element: shape(B, "process", "Worker"), layout: layout(B, 300, 0) },
  ]);

describe("palette", () => {
  it.each<[ShapeKind, string, number, number]>([
    ["process", "Process 1", 120, 120],
    ["external_entity", "External entity 1", 150, 70],
    ["data_store", "Data store 1", 160, 64],
    ["trust_boundary", "Trust boundary 1", 380, 260],
  ])("adds a %s with one put of an element and its layout", async (kind, name, width, height) => {
    const backend = fakeBackend({
      current_model: () => snapshot(emptyDocument()),
      apply: ({ op }) => createdBy(op as Operation, `Add ${kind}`),
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId(`palette-${kind}`));

    await waitFor(() => expect(screen.getAllByTestId("node")).toHaveLength(1));
    const ops = backend.ops();
    expect(ops).toHaveLength(1);
    const op = ops[0]!;
    if (op.op !== "put") throw new Error("not a put");
    expect(op.records.map((r) => r.type)).toEqual(["element", "layout"]);
    const element = op.records[0]!.value as Element;
    const shapeLayout = op.records[1]!.value as Layout;
    expect(element).toMatchObject({ diagram: DIAGRAM, name, parent: null, properties: { kind } });
    expect(shapeLayout).toMatchObject({ id: element.id, width, height });
    expect(backend.of("apply")[0]!.args.coalesce).toBeNull();

    // The canvas shows what the engine answered.
    const added = screen.getByTestId("node");
    expect(added.dataset.kind).toBe(kind);
    expect(added.dataset.id).toBe(element.id);
    expect(within(added).getByTestId("node-label").textContent).toBe(name);
    expect(screen.getByTestId("status").textContent).toBe("Saved · 1 element");
  });

  it("gives quick successive adds their own names and spots, even while the engine is busy", async () => {
    const backend = fakeBackend({
      current_model: () => snapshot(emptyDocument()),
      apply: ({ op }) => new Promise((resolve) => setTimeout(() => resolve(createdBy(op as Operation, "Add")), 20)),
    });
    render(<App />);
    const button = await screen.findByTestId("palette-process");
    fireEvent.click(button);
    fireEvent.click(button);
    await waitFor(() => expect(screen.getAllByTestId("node")).toHaveLength(2));
    const puts = backend.ops().map((op) => (op.op === "put" ? op.records : []));
    expect(puts.map((records) => (records[0]!.value as Element).name)).toEqual(["Process 1", "Process 2"]);
    const [first, second] = puts.map((records) => records[1]!.value as Layout);
    expect(first!.x === second!.x && first!.y === second!.y).toBe(false);
  });

  it("puts a shape added inside a trust boundary in that boundary", async () => {
    const boundary = "0c000000-0000-4000-8000-00000000000c";
    // jsdom has no layout: the visible area is empty, so the shape lands on the view's centre (0, 0).
    const doc = documentWith([{ element: shape(boundary, "trust_boundary", "DMZ"), layout: layout(boundary, -500, -500, 1000, 1000) }]);
    const backend = fakeBackend({ current_model: () => snapshot(doc), apply: ({ op }) => createdBy(op as Operation, "Add") });
    render(<App />);
    fireEvent.click(await screen.findByTestId("palette-process"));
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    const op = backend.ops()[0]!;
    if (op.op !== "put") throw new Error("not a put");
    expect((op.records[0]!.value as Element).parent).toBe(boundary);
  });
});

describe("undo and redo", () => {
  it("Ctrl+Z calls undo and applies the returned patch", async () => {
    const doc = documentWith([{ element: shape(A, "process", "API"), layout: layout(A, 0, 0) }]);
    const backend = fakeBackend({
      current_model: () => snapshot(doc, { undo: "Add process “API”", redo: null }),
      undo: () => ({
        patch: {
          changes: [
            { key: { kind: "element", id: A }, before: { type: "element", value: doc.elements[A] }, after: null },
            { key: { kind: "layout", id: A }, before: { type: "layout", value: doc.layouts[A] }, after: null },
          ],
        },
        history: { undo: null, redo: "Add process “API”" },
      }),
    });
    render(<App />);
    const undoButton = await screen.findByTestId("undo");
    expect(undoButton.getAttribute("title")).toBe("Undo Add process “API”");
    expect(screen.getByTestId("redo")).toHaveProperty("disabled", true);
    expect(screen.getAllByTestId("node")).toHaveLength(1);

    fireEvent.keyDown(document.body, { key: "z", ctrlKey: true });

    await waitFor(() => expect(screen.queryAllByTestId("node")).toHaveLength(0));
    expect(backend.of("undo")).toHaveLength(1);
    expect(backend.of("redo")).toHaveLength(0);
    expect(screen.getByTestId("undo")).toHaveProperty("disabled", true);
    expect(screen.getByTestId("redo")).toHaveProperty("disabled", false);
    expect(screen.getByTestId("redo").getAttribute("title")).toBe("Redo Add process “API”");
  });

  it("Ctrl+Shift+Z and Ctrl+Y call redo", async () => {
    const backend = fakeBackend({
      current_model: () => snapshot(emptyDocument(), { undo: null, redo: "Add process “API”" }),
      redo: () => null,
    });
    render(<App />);
    await screen.findByTestId("redo");
    fireEvent.keyDown(document.body, { key: "Z", ctrlKey: true, shiftKey: true });
    fireEvent.keyDown(document.body, { key: "y", ctrlKey: true });
    await waitFor(() => expect(backend.of("redo")).toHaveLength(2));
    expect(backend.of("undo")).toHaveLength(0);
  });
});

describe("selection commands", () => {
  it("Delete sends one delete op with the selected elements", async () => {
    const doc = twoProcesses();
    const backend = fakeBackend({
      current_model: () => snapshot(doc),
      apply: () => ({
        patch: {
          changes: [
            { key: { kind: "element", id: A }, before: { type: "element", value: doc.elements[A] }, after: null },
            { key: { kind: "layout", id: A }, before: { type: "layout", value: doc.layouts[A] }, after: null },
          ],
        },
        history: { undo: "Delete process “API”", redo: null },
      }),
    });
    render(<App />);
    await screen.findAllByTestId("node");
    click(A);
    await waitFor(() => expect(node(A).className).toContain("is-selected"));
    expect(node(B).className).not.toContain("is-selected");

    fireEvent.keyDown(document.body, { key: "Delete" });

    await waitFor(() => expect(screen.getAllByTestId("node")).toHaveLength(1));
    expect(backend.ops()).toEqual([{ op: "delete", keys: [{ kind: "element", id: A }] }]);
    expect(screen.getByTestId("node").dataset.id).toBe(B);
  });

  it("does nothing on Delete without a selection", async () => {
    const backend = fakeBackend({ current_model: () => snapshot(twoProcesses()) });
    render(<App />);
    await screen.findAllByTestId("node");
    fireEvent.keyDown(document.body, { key: "Delete" });
    fireEvent.keyDown(document.body, { key: "Backspace" });
    await act(async () => undefined);
    expect(backend.ops()).toEqual([]);
  });

  it("Connect draws a flow from the first selected shape to the second", async () => {
    const backend = fakeBackend({
      current_model: () => snapshot(twoProcesses()),
      apply: ({ op }) => createdBy(op as Operation, "Add flow"),
    });
    render(<App />);
    await screen.findAllByTestId("node");
    const connectButton = screen.getByTestId("connect-selected");
    expect(connectButton).toHaveProperty("disabled", true);

    // Select the worker first, then add the API with Ctrl held: the flow goes worker -> API.
    click(B);
    fireEvent.keyDown(document.body, { key: "Control" });
    click(A, { ctrlKey: true });
    fireEvent.keyUp(document.body, { key: "Control" });
    await waitFor(() => expect(connectButton).toHaveProperty("disabled", false));

    fireEvent.click(connectButton);
    await waitFor(() => expect(backend.ops()).toHaveLength(1));
    const op = backend.ops()[0]!;
    if (op.op !== "put") throw new Error("not a put");
    expect(op.records).toHaveLength(1);
    expect(op.records[0]).toMatchObject({
      type: "element",
      value: {
        diagram: DIAGRAM,
        name: "Flow 1",
        parent: null,
        properties: { kind: "data_flow", source: B, target: A, bidirectional: false, protocol: "" },
      },
    });
  });
});

describe("rename in place", () => {
  const renamedTo = (name: string): Applied => ({
    patch: {
      changes: [
        {
          key: { kind: "element", id: A },
          before: { type: "element", value: shape(A, "process", "API") },
          after: { type: "element", value: shape(A, "process", name) },
        },
      ],
    },
    history: { undo: `Rename to “${name}”`, redo: null },
    tree: null,
  });

  it("sends one rename op on Enter", async () => {
    const backend = fakeBackend({ current_model: () => snapshot(twoProcesses()), apply: () => renamedTo("Payments API") });
    render(<App />);
    await screen.findAllByTestId("node");
    fireEvent.doubleClick(within(node(A)).getByTestId("node-label"));

    const input = (await screen.findByTestId("rename-input")) as HTMLInputElement;
    expect(input.value).toBe("API");
    fireEvent.change(input, { target: { value: "Payments API" } });
    fireEvent.keyDown(input, { key: "Enter" });

    await waitFor(() => expect(within(node(A)).getByTestId("node-label").textContent).toBe("Payments API"));
    expect(screen.queryByTestId("rename-input")).toBeNull();
    expect(backend.ops()).toEqual([{ op: "rename", key: { kind: "element", id: A }, name: "Payments API" }]);
  });

  it("starts with F2 on the selection; Escape cancels without sending anything", async () => {
    const backend = fakeBackend({ current_model: () => snapshot(twoProcesses()) });
    render(<App />);
    await screen.findAllByTestId("node");
    click(A);
    await waitFor(() => expect(node(A).className).toContain("is-selected"));
    fireEvent.keyDown(document.body, { key: "F2" });
    const input = (await screen.findByTestId("rename-input")) as HTMLInputElement;
    fireEvent.change(input, { target: { value: "Something else" } });
    // Delete while typing edits the text, it does not delete the shape.
    fireEvent.keyDown(input, { key: "Delete" });
    fireEvent.keyDown(input, { key: "Escape" });
    await waitFor(() => expect(screen.queryByTestId("rename-input")).toBeNull());
    await act(async () => undefined);
    expect(backend.ops()).toEqual([]);
    expect(within(node(A)).getByTestId("node-label").textContent).toBe("API");
  });
});

describe("errors", () => {
  it("shows the engine's refusal and leaves the canvas as it was", async () => {
    fakeBackend({
      current_model: () => snapshot(twoProcesses()),
      apply: () => {
        throw "a flow must connect two different elements";
      },
    });
    render(<App />);
    await screen.findAllByTestId("node");
    fireEvent.click(screen.getByTestId("palette-data_store"));
    expect((await screen.findByTestId("error")).textContent).toContain("a flow must connect two different elements");
    expect(screen.getAllByTestId("node")).toHaveLength(2);
  });
});
