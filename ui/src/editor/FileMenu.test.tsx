import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";

import type { Document } from "../api/bindings/Document";
import { App } from "../App";
import { useUi } from "../state/ui";
import { fakeBackend } from "../test/backend";
import { DIAGRAM, emptyDocument, snapshot } from "../test/fixtures";

const TREE = "0193a6f0-7c00-7000-8000-000000000900";

function withTree(): Document {
  const doc = emptyDocument();
  doc.attack_trees[TREE] = { id: TREE, name: "Steal card data", description: "", root: "r" };
  return doc;
}

async function openFileMenu() {
  fireEvent.click(await screen.findByTestId("file-menu"));
  return screen.getByRole("menu", { name: "File" });
}

describe("File menu", () => {
  it("offers the reports and exports; ADTool only when the model has an attack tree", async () => {
    fakeBackend({ current_model: () => snapshot(emptyDocument()) });
    render(<App />);
    const menu = await openFileMenu();
    const labels = within(menu)
      .getAllByRole("menuitem")
      .map((item) => item.querySelector(".menu__label")?.textContent);
    expect(labels).toEqual([
      "New model",
      "Open / Import…",
      "Save as…",
      "Report as PDF…",
      "Report as Markdown…",
      "Threats as CSV…",
      "Diagram as SVG…",
      "Diagram as PNG…",
      "Attack tree as SVG…",
      "Attack tree as PNG…",
      "Threat Dragon JSON…",
      "Attack tree as ADTool XML…",
      "Rampart JSON…",
      "Close",
    ]);
    for (const id of ["export-adtool", "export-tree-svg", "export-tree-png"]) {
      expect(screen.getByTestId(id)).toHaveProperty("disabled", true);
      expect(screen.getByTestId(id).textContent).toContain("The model has no attack tree");
    }
    expect(screen.getByTestId("menu-open-model").textContent).toContain("Microsoft Threat Modeling Tool");
  });

  it("exports the diagram on screen as SVG and lists what the format could not carry", async () => {
    const backend = fakeBackend({
      current_model: () => snapshot(emptyDocument()),
      export_dialog: () => ({ path: "/home/ada/payments.svg", warnings: ["threats are not drawn", "2 flows have no ends"] }),
    });
    render(<App />);
    await openFileMenu();
    fireEvent.click(screen.getByTestId("export-svg"));

    const notice = await screen.findByTestId("notice");
    expect(backend.of("export_dialog").map((c) => c.args)).toEqual([{ request: { format: "svg", diagram: DIAGRAM, tree: null } }]);
    expect(notice.textContent).toContain("Exported to /home/ada/payments.svg");
    expect(within(notice).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["threats are not drawn", "2 flows have no ends"]);
    expect(screen.getByTestId("status").textContent).toBe("Exported to /home/ada/payments.svg");
    expect(screen.queryByRole("menu")).toBeNull();
  });

  it("exports the first attack tree as ADTool XML", async () => {
    const backend = fakeBackend({
      current_model: () => snapshot(withTree()),
      export_dialog: () => ({ path: "/tmp/tree.xml", warnings: [] }),
    });
    render(<App />);
    await openFileMenu();
    expect(screen.getByTestId("export-adtool").textContent).toContain("“Steal card data”");
    fireEvent.click(screen.getByTestId("export-adtool"));
    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("Exported to /tmp/tree.xml"));
    expect(backend.of("export_dialog")[0]!.args).toEqual({ request: { format: "adtool", diagram: null, tree: TREE } });
    // Nothing was lost: no notice.
    expect(screen.queryByTestId("notice")).toBeNull();
  });

  it("draws the attack tree on screen as SVG or PNG, else the first", async () => {
    const other = "0193a6f0-7c00-7000-8000-000000000999";
    const doc = withTree();
    doc.attack_trees[other] = { id: other, name: "Take the shop down", description: "", root: "s" };
    const backend = fakeBackend({ current_model: () => snapshot(doc), export_dialog: () => ({ path: "/tmp/tree.svg", warnings: [] }) });
    render(<App />);
    await openFileMenu();
    expect(screen.getByTestId("export-tree-svg").textContent).toContain("“Steal card data”");
    fireEvent.click(screen.getByTestId("export-tree-svg"));
    await waitFor(() => expect(backend.of("export_dialog")).toHaveLength(1));
    expect(backend.of("export_dialog")[0]!.args).toEqual({ request: { format: "svg", diagram: null, tree: TREE } });

    act(() => useUi.getState().showTree(other));
    await openFileMenu();
    expect(screen.getByTestId("export-tree-png").textContent).toContain("“Take the shop down”");
    fireEvent.click(screen.getByTestId("export-tree-png"));
    await waitFor(() => expect(backend.of("export_dialog")).toHaveLength(2));
    expect(backend.of("export_dialog")[1]!.args).toEqual({ request: { format: "png", diagram: null, tree: other } });
  });

  it.each([
    ["export-threat_dragon", "threat_dragon"],
    ["export-rampart_json", "rampart_json"],
    ["export-markdown", "markdown"],
    ["export-csv", "csv"],
  ])("%s exports the whole model", async (testId, format) => {
    const backend = fakeBackend({ current_model: () => snapshot(emptyDocument()), export_dialog: () => null });
    render(<App />);
    await openFileMenu();
    fireEvent.click(screen.getByTestId(testId));
    await waitFor(() => expect(backend.of("export_dialog")).toHaveLength(1));
    expect(backend.of("export_dialog")[0]!.args).toEqual({ request: { format, diagram: null, tree: null } });
    // Cancelled: nothing to say.
    expect(screen.queryByTestId("notice")).toBeNull();
    expect(screen.queryByTestId("error")).toBeNull();
  });

  it("shows the engine's refusal to export", async () => {
    fakeBackend({
      current_model: () => snapshot(emptyDocument()),
      export_dialog: () => {
        throw "the model has no diagram";
      },
    });
    render(<App />);
    await openFileMenu();
    fireEvent.click(screen.getByTestId("export-svg"));
    expect((await screen.findByTestId("error")).textContent).toContain("the model has no diagram");
  });

  it("closes with Escape and gives the focus back to its button", async () => {
    fakeBackend({ current_model: () => snapshot(emptyDocument()) });
    render(<App />);
    const menu = await openFileMenu();
    expect(document.activeElement).toBe(screen.getByTestId("menu-new-model"));
    fireEvent.keyDown(menu, { key: "ArrowDown" });
    expect(document.activeElement).toBe(screen.getByTestId("menu-open-model"));
    fireEvent.keyDown(menu, { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId("file-menu"));
  });
});
