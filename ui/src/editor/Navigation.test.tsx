import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";

import { App } from "../App";
import { useUi } from "../state/ui";
import { fakeBackend } from "../test/backend";
import { documentWith, layout, shape, snapshot } from "../test/fixtures";

const SECOND = "00000000-0000-4000-8000-000000000002";
const A = "0a000000-0000-4000-8000-00000000000a";
const L = "0b000000-0000-4000-8000-00000000000b";
const M = "0c000000-0000-4000-8000-00000000000c";

function model() {
  const doc = documentWith([
    { element: shape(A, "process", "Payments API"), layout: layout(A, 0, 0) },
    { element: shape(M, "data_store", "Ledger mirror"), layout: layout(M, 300, 0, 160, 64) },
  ]);
  doc.diagrams[SECOND] = { id: SECOND, name: "Back office" };
  doc.elements[L] = { ...shape(L, "data_store", "Ledger"), diagram: SECOND };
  doc.layouts[L] = layout(L, 0, 0, 160, 64);
  return doc;
}

async function open() {
  fakeBackend({ current_model: () => snapshot(model()) });
  render(<App />);
  await screen.findAllByTestId("node");
}

describe("find", () => {
  it("Ctrl+F finds elements by name in every diagram; Enter shows the first, selected", async () => {
    await open();
    fireEvent.keyDown(document.body, { key: "f", ctrlKey: true });
    const input = await screen.findByTestId("find-input");
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: "LEDG" } });
    const results = screen.getAllByTestId("find-result");
    // The diagram on screen first, then the others, with their diagram's name.
    expect(results.map((r) => r.textContent)).toEqual(["Ledger mirrorData store", "LedgerData store · Back office"]);

    fireEvent.keyDown(input, { key: "ArrowDown" });
    fireEvent.keyDown(input, { key: "Enter" });
    await waitFor(() => expect(screen.getAllByTestId("node-label").map((l) => l.textContent)).toEqual(["Ledger"]));
    expect(screen.queryByTestId("find")).toBeNull();
    expect(useUi.getState()).toMatchObject({ diagram: SECOND, selection: [L], focus: { id: L } });
    expect(screen.getAllByTestId("diagram-tab").find((t) => t.getAttribute("aria-selected") === "true")!.textContent).toBe("Back office");
  });

  it("says when nothing matches, and Escape closes it", async () => {
    await open();
    fireEvent.click(screen.getByTestId("find-button"));
    const input = await screen.findByTestId("find-input");
    fireEvent.change(input, { target: { value: "zebra" } });
    expect(screen.getByTestId("find").textContent).toContain("No element is named like that.");
    fireEvent.keyDown(input, { key: "Escape" });
    expect(screen.queryByTestId("find")).toBeNull();
  });
});

describe("cheat sheet", () => {
  it("? lists every shortcut and what the mouse does; Escape closes it", async () => {
    await open();
    fireEvent.keyDown(document.body, { key: "?", shiftKey: true });
    const sheet = await screen.findByTestId("cheat-sheet");
    const rows = within(sheet).getAllByTestId("shortcut").map((r) => r.textContent);
    expect(rows).toContain("Ctrl+DDuplicate");
    expect(rows).toContain("Ctrl+0 or FFit the diagram in the window");
    expect(rows).toContain("Ctrl+FFind an element by name");
    expect(sheet.textContent).toContain("Shift+drag");
    // The editor's keys do nothing behind it.
    act(() => useUi.getState().setSelection([A]));
    fireEvent.keyDown(within(sheet).getByRole("button", { name: "Close" }), { key: "Delete" });
    fireEvent.keyDown(sheet, { key: "Escape" });
    expect(screen.queryByTestId("cheat-sheet")).toBeNull();
    expect(screen.getAllByTestId("node")).toHaveLength(2);
  });

  it("is not opened by typing ? in a text field", async () => {
    await open();
    act(() => useUi.getState().setSelection([A]));
    const name = within(screen.getByTestId("inspector")).getByLabelText("Name");
    fireEvent.keyDown(name, { key: "?", shiftKey: true });
    expect(screen.queryByTestId("cheat-sheet")).toBeNull();
  });
});
