import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";

import type { Saved } from "../api/bindings/Saved";
import { App } from "../App";
import { fakeBackend } from "../test/backend";
import { DIAGRAM, emptyDocument, snapshot } from "../test/fixtures";

async function openReportDialog() {
  fireEvent.click(await screen.findByTestId("file-menu"));
  fireEvent.click(screen.getByTestId("export-pdf"));
  return screen.findByTestId("report-dialog");
}

describe("Report as PDF", () => {
  it("asks for sections and paper first, then exports only what was chosen", async () => {
    const backend = fakeBackend({
      current_model: () => snapshot(emptyDocument()),
      export_dialog: () => ({ path: "/home/ada/webshop.pdf", warnings: [] }),
    });
    render(<App />);
    await openReportDialog();
    // Nothing is written before the user confirms.
    expect(backend.of("export_dialog")).toHaveLength(0);
    expect((screen.getByTestId("report-section-summary") as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId("report-paper-a4") as HTMLInputElement).checked).toBe(true);

    fireEvent.click(screen.getByTestId("report-section-elements"));
    fireEvent.click(screen.getByTestId("report-section-findings"));
    fireEvent.click(screen.getByTestId("report-paper-letter"));
    fireEvent.click(screen.getByTestId("report-export"));

    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("Exported to /home/ada/webshop.pdf"));
    expect(backend.of("export_dialog")[0]!.args).toEqual({
      request: {
        format: "pdf",
        diagram: null,
        tree: null,
        report: { paper: "letter", sections: ["summary", "scope", "assets", "diagrams", "threats", "attack_trees", "accepted_risks"] },
      },
    });
    // The dialog closes once the export call has returned (just after the status is set).
    await waitFor(() => expect(screen.queryByTestId("report-dialog")).toBeNull());
  });

  it("shows that it is working while the engine writes the file, and cannot be closed then", async () => {
    let finish: (saved: Saved | null) => void = () => {};
    fakeBackend({
      current_model: () => snapshot(emptyDocument()),
      export_dialog: () => new Promise<Saved | null>((resolve) => (finish = resolve)),
    });
    render(<App />);
    const dialog = await openReportDialog();
    fireEvent.click(screen.getByTestId("report-export"));

    expect((await screen.findByTestId("report-busy")).textContent).toContain("Writing the PDF");
    expect(screen.getByTestId("report-export")).toHaveProperty("disabled", true);
    fireEvent.keyDown(dialog, { key: "Escape" });
    expect(screen.getByTestId("report-dialog")).toBeTruthy();

    await act(async () => finish(null));
    await waitFor(() => expect(screen.queryByTestId("report-dialog")).toBeNull());
    // Cancelled in the save dialog: nothing to report.
    expect(screen.queryByTestId("notice")).toBeNull();
  });

  it("stops the export with Cancel while the engine writes, and says nothing was written", async () => {
    let finish: (saved: Saved | null) => void = () => {};
    const backend = fakeBackend({
      current_model: () => snapshot(emptyDocument()),
      export_dialog: () => new Promise<Saved | null>((resolve) => (finish = resolve)),
      // The shell's answer to a cancel: the engine stops and export_dialog gives null.
      cancel_export: () => {
        setTimeout(() => finish(null), 0);
        return null;
      },
    });
    render(<App />);
    await openReportDialog();
    fireEvent.click(screen.getByTestId("report-export"));
    await screen.findByTestId("report-busy");
    const cancel = screen.getByTestId("report-cancel");
    expect(cancel).toHaveProperty("disabled", false);

    fireEvent.click(cancel);
    expect(screen.getByTestId("report-busy").textContent).toContain("Stopping");
    expect(cancel).toHaveProperty("disabled", true);
    await waitFor(() => expect(screen.queryByTestId("report-dialog")).toBeNull());
    expect(backend.of("cancel_export")).toHaveLength(1);
    expect(backend.of("export_dialog")).toHaveLength(1);
    expect(screen.getByTestId("status").textContent).toBe("Report cancelled: nothing was written");
    expect(screen.queryByTestId("notice")).toBeNull();
    expect(screen.queryByTestId("error")).toBeNull();
  });

  it("cannot export a report with no section", async () => {
    fakeBackend({ current_model: () => snapshot(emptyDocument()) });
    render(<App />);
    await openReportDialog();
    for (const box of screen.getAllByRole("checkbox")) fireEvent.click(box);
    expect(screen.getByTestId("report-export")).toHaveProperty("disabled", true);
    fireEvent.click(screen.getByTestId("report-cancel"));
    expect(screen.queryByTestId("report-dialog")).toBeNull();
  });

  it("exports the diagram on screen as PNG", async () => {
    const backend = fakeBackend({ current_model: () => snapshot(emptyDocument()), export_dialog: () => ({ path: "/tmp/d.png", warnings: [] }) });
    render(<App />);
    fireEvent.click(await screen.findByTestId("file-menu"));
    fireEvent.click(screen.getByTestId("export-png"));
    await waitFor(() => expect(backend.of("export_dialog")).toHaveLength(1));
    expect(backend.of("export_dialog")[0]!.args).toEqual({ request: { format: "png", diagram: DIAGRAM, tree: null } });
  });
});
