import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";

import type { Diagram } from "../api/bindings/Diagram";
import type { Document } from "../api/bindings/Document";
import { App } from "../App";
import { fakeBackend } from "../test/backend";
import { fakeEngine } from "../test/engine";
import { DIAGRAM, documentWith, layout, shape, snapshot } from "../test/fixtures";

const SECOND = "00000000-0000-4000-8000-000000000002";
const A = "0a000000-0000-4000-8000-00000000000a";
const B = "0b000000-0000-4000-8000-00000000000b";
const C = "0c000000-0000-4000-8000-00000000000c";

/** "Main diagram" with two processes and "Deployment" with a data store. */
function twoDiagrams(): Document {
  const doc = documentWith([
    { element: shape(A, "process", "API"), layout: layout(A, 0, 0) },
    { element: shape(B, "process", "Worker"), layout: layout(B, 300, 0) },
  ]);
  doc.diagrams[SECOND] = { id: SECOND, name: "Deployment" };
  doc.elements[C] = { ...shape(C, "data_store", "Ledger"), diagram: SECOND };
  doc.layouts[C] = layout(C, 0, 0, 160, 64);
  return doc;
}

const tabs = () => screen.getAllByTestId("diagram-tab");
const tab = (name: string) => tabs().find((t) => t.textContent === name)!;
const labels = () => screen.queryAllByTestId("node-label").map((l) => l.textContent);

describe("diagram tabs", () => {
  it("show one tab per diagram; the canvas shows the chosen one", async () => {
    fakeBackend({ current_model: () => snapshot(twoDiagrams()) });
    render(<App />);
    await screen.findAllByTestId("node");
    expect(tabs().map((t) => t.textContent)).toEqual(["Main diagram", "Deployment"]);
    expect(tab("Main diagram").getAttribute("aria-selected")).toBe("true");
    expect(labels().sort()).toEqual(["API", "Worker"]);

    fireEvent.click(tab("Deployment"));
    await waitFor(() => expect(labels()).toEqual(["Ledger"]));
    expect(tab("Deployment").getAttribute("aria-selected")).toBe("true");
    expect(tab("Main diagram").getAttribute("aria-selected")).toBe("false");
  });

  it("+ adds a diagram with one put and shows it", async () => {
    const engine = fakeEngine(twoDiagrams());
    const backend = fakeBackend({ current_model: () => snapshot(engine.doc()), apply: engine.apply });
    render(<App />);
    await screen.findAllByTestId("node");
    fireEvent.click(screen.getByTestId("add-diagram"));

    await waitFor(() => expect(tabs()).toHaveLength(3));
    const op = backend.ops()[0]!;
    if (op.op !== "put") throw new Error("not a put");
    expect(op.records).toHaveLength(1);
    const added = op.records[0]!.value as Diagram;
    expect(op.records[0]!.type).toBe("diagram");
    expect(added.name).toBe("Diagram 3");
    // The new diagram is the last tab (ids are time-ordered) and is shown, empty.
    expect(tabs().at(-1)!.textContent).toBe("Diagram 3");
    expect(tabs().at(-1)!.getAttribute("aria-selected")).toBe("true");
    expect(labels()).toEqual([]);
  });

  it("double-click renames a diagram with one rename", async () => {
    const engine = fakeEngine(twoDiagrams());
    const backend = fakeBackend({ current_model: () => snapshot(engine.doc()), apply: engine.apply });
    render(<App />);
    await screen.findAllByTestId("node");
    fireEvent.doubleClick(tab("Deployment"));
    const input = (await screen.findByTestId("rename-input")) as HTMLInputElement;
    expect(input.value).toBe("Deployment");
    fireEvent.change(input, { target: { value: "Production" } });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(tabs().map((t) => t.textContent)).toEqual(["Main diagram", "Production"]));
    expect(backend.ops()).toEqual([{ op: "rename", key: { kind: "diagram", id: SECOND }, name: "Production" }]);
  });

  it("× asks first, saying what goes, then deletes the diagram with one delete", async () => {
    const engine = fakeEngine(twoDiagrams());
    const backend = fakeBackend({ current_model: () => snapshot(engine.doc()), apply: engine.apply });
    render(<App />);
    await screen.findAllByTestId("node");
    const deleteMain = () => within(tab("Main diagram").parentElement!).getByTestId("delete-diagram");

    fireEvent.click(deleteMain());
    const dialog = screen.getByTestId("confirm-dialog");
    expect(dialog.textContent).toContain("Delete the diagram “Main diagram”? Its 2 elements go with it.");
    expect(document.activeElement).toBe(screen.getByTestId("confirm-cancel"));
    fireEvent.click(screen.getByTestId("confirm-cancel"));
    expect(screen.queryByTestId("confirm-dialog")).toBeNull();
    expect(backend.ops()).toEqual([]);

    fireEvent.click(deleteMain());
    fireEvent.click(screen.getByTestId("confirm-ok"));
    await waitFor(() => expect(tabs().map((t) => t.textContent)).toEqual(["Deployment"]));
    expect(backend.ops()).toEqual([{ op: "delete", keys: [{ kind: "diagram", id: DIAGRAM }] }]);
    // The remaining diagram is shown.
    expect(labels()).toEqual(["Ledger"]);
  });
});

describe("drawing layout points", () => {
  it("draws a trust boundary that is a line as a dashed line with its name, not a region", async () => {
    const doc = documentWith([
      { element: shape(A, "process", "API"), layout: layout(A, 0, 0) },
      {
        element: shape(C, "trust_boundary", "Internet edge"),
        layout: { id: C, x: 200, y: -50, width: 40, height: 300, points: [{ x: 200, y: -50 }, { x: 240, y: 100 }, { x: 220, y: 250 }] },
      },
    ]);
    fakeBackend({ current_model: () => snapshot(doc) });
    const { container } = render(<App />);
    const line = (await screen.findAllByTestId("node")).find((n) => n.dataset.id === C)!;
    expect(line.dataset.kind).toBe("trust_boundary");
    expect(line.className).toContain("boundary-line");
    expect(container.querySelector(".boundary")).toBeNull();
    // The course relative to the node's corner (200, -50).
    expect(line.querySelector(".boundary-line__path")!.getAttribute("d")).toBe("M 0,0 L 40,150 L 20,300");
    expect(within(line).getByTestId("node-label").textContent).toBe("Internet edge");
  });
});
