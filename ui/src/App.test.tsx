import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";

import { App } from "./App";
import { fakeBackend } from "./test/backend";
import { emptyDocument, snapshot } from "./test/fixtures";

const RECENT = [
  { path: "/home/ada/Documents/Rampart/Payments.rampart", name: "Payments", opened_at: 1_760_000_000 },
  { path: "/home/ada/work/shop.rampart", name: "Web shop", opened_at: 1_750_000_000 },
];

describe("start screen", () => {
  it("lists the recent files with name and path", async () => {
    fakeBackend({ current_model: () => null, recent_files: () => RECENT });
    render(<App />);
    const entries = await screen.findAllByTestId("recent-file");
    expect(entries).toHaveLength(2);
    expect(within(entries[0]!).getByText("Payments")).toBeTruthy();
    expect(within(entries[0]!).getByText("/home/ada/Documents/Rampart/Payments.rampart")).toBeTruthy();
    expect(within(entries[1]!).getByText("Web shop")).toBeTruthy();
    expect(within(entries[1]!).getByText("/home/ada/work/shop.rampart")).toBeTruthy();
  });

  it("creates a model with New model and shows the editor", async () => {
    const backend = fakeBackend({
      current_model: () => null,
      recent_files: () => RECENT,
      new_model: () => ({ ...snapshot(emptyDocument("Untitled model")), path: "/home/ada/Documents/Rampart/Untitled model.rampart" }),
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("new-model"));
    expect(await screen.findByTestId("model-name")).toHaveProperty("textContent", "Untitled model");
    expect(screen.getByTestId("model-path").textContent).toBe("/home/ada/Documents/Rampart/Untitled model.rampart");
    expect(screen.getByTestId("palette-process")).toBeTruthy();
    expect(screen.queryByTestId("new-model")).toBeNull();
    expect(backend.of("new_model")).toHaveLength(1);
  });

  it("opens a recent file by its path", async () => {
    const backend = fakeBackend({
      current_model: () => null,
      recent_files: () => RECENT,
      open_recent: () => snapshot(emptyDocument("Web shop")),
    });
    render(<App />);
    fireEvent.click((await screen.findAllByTestId("recent-file"))[1]!);
    expect((await screen.findByTestId("model-name")).textContent).toBe("Web shop");
    expect(backend.of("open_recent").map((c) => c.args)).toEqual([{ path: "/home/ada/work/shop.rampart" }]);
  });

  it("opens the model the window already has, without showing the start screen", async () => {
    const backend = fakeBackend({ current_model: () => snapshot(emptyDocument("Payments")) });
    render(<App />);
    expect((await screen.findByTestId("model-name")).textContent).toBe("Payments");
    expect(backend.of("recent_files")).toHaveLength(0);
  });

  it("closes the model and shows the recent files again", async () => {
    const backend = fakeBackend({
      current_model: () => snapshot(emptyDocument("Payments")),
      close_model: () => null,
      recent_files: () => RECENT,
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("file-menu"));
    fireEvent.click(screen.getByTestId("close-model"));
    expect(await screen.findAllByTestId("recent-file")).toHaveLength(2);
    expect(backend.of("close_model")).toHaveLength(1);
    expect(screen.queryByTestId("model-name")).toBeNull();
  });

  it("says which other tools' files Open / Import… reads", async () => {
    fakeBackend({ current_model: () => null, recent_files: () => [] });
    render(<App />);
    expect((await screen.findByTestId("open-model")).textContent).toBe("Open / Import…");
    const formats = screen.getByTestId("import-formats").textContent ?? "";
    for (const tool of ["Threat Dragon", "Microsoft Threat Modeling Tool", "Threagile", "Threat Composer", "OTM", "ADTool"]) {
      expect(formats).toContain(tool);
    }
  });

  it("stays on the start screen when the Open dialog is cancelled", async () => {
    const backend = fakeBackend({ current_model: () => null, recent_files: () => RECENT, open_model_dialog: () => null });
    render(<App />);
    fireEvent.click(await screen.findByTestId("open-model"));
    await waitFor(() => expect(backend.of("open_model_dialog")).toHaveLength(1));
    expect(screen.getAllByTestId("recent-file")).toHaveLength(2);
    expect(screen.queryByTestId("error")).toBeNull();
  });

  it("opens a model from another tool and lists what the import left out", async () => {
    fakeBackend({
      current_model: () => null,
      recent_files: () => [],
      open_model_dialog: () => ({
        snapshot: snapshot(emptyDocument("Shop")),
        source: "/home/ada/shop.json",
        warnings: ["2 × a cell of an unknown type was skipped", "a threat's score was not carried over"],
      }),
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("open-model"));
    expect((await screen.findByTestId("model-name")).textContent).toBe("Shop");
    const notice = screen.getByTestId("notice");
    expect(notice.textContent).toContain("/home/ada/shop.json");
    expect(within(notice).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "2 × a cell of an unknown type was skipped",
      "a threat's score was not carried over",
    ]);
    expect(screen.getByTestId("status").textContent).toBe("Imported · 0 elements");
    fireEvent.click(within(notice).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("notice")).toBeNull();
  });

  it("opens a Rampart file from the dialog without a notice", async () => {
    fakeBackend({
      current_model: () => null,
      recent_files: () => [],
      open_model_dialog: () => ({ snapshot: snapshot(emptyDocument("Payments")), source: null, warnings: [] }),
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("open-model"));
    expect((await screen.findByTestId("model-name")).textContent).toBe("Payments");
    expect(screen.queryByTestId("notice")).toBeNull();
  });

  it("Save as… switches the editor to the new file", async () => {
    fakeBackend({
      current_model: () => snapshot(emptyDocument("Payments")),
      save_as_dialog: () => ({ ...snapshot(emptyDocument("Payments")), path: "/tmp/copy.rampart" }),
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("file-menu"));
    fireEvent.click(screen.getByTestId("save-as"));
    await waitFor(() => expect(screen.getByTestId("model-path").textContent).toBe("/tmp/copy.rampart"));
  });

  it("shows an error the engine reports, until dismissed", async () => {
    fakeBackend({
      current_model: () => null,
      recent_files: () => [],
      new_model: () => {
        throw "~/Documents/Rampart: permission denied";
      },
    });
    render(<App />);
    fireEvent.click(await screen.findByTestId("new-model"));
    const banner = await screen.findByTestId("error");
    expect(banner.textContent).toContain("~/Documents/Rampart: permission denied");
    fireEvent.click(within(banner).getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByTestId("error")).toBeNull();
    expect(screen.getByTestId("new-model")).toBeTruthy();
  });
});
