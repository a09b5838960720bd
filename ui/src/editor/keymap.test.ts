import { describe, expect, it } from "vitest";

import { chord, editorShortcuts, KEYS } from "./keymap";

const press = (key: string, mods: Partial<Pick<KeyboardEvent, "ctrlKey" | "metaKey" | "shiftKey" | "altKey">> = {}) =>
  new KeyboardEvent("keydown", { key, ...mods });

describe("chords", () => {
  it("match Ctrl or ⌘ for Mod, and Shift and Alt exactly", () => {
    const redo = chord("Mod+Shift+Z");
    expect(redo.matches(press("Z", { ctrlKey: true, shiftKey: true }))).toBe(true);
    expect(redo.matches(press("z", { metaKey: true, shiftKey: true }))).toBe(true);
    expect(redo.matches(press("z", { ctrlKey: true }))).toBe(false);
    expect(redo.matches(press("z", { ctrlKey: true, shiftKey: true, altKey: true }))).toBe(false);
    expect(chord("F").matches(press("f"))).toBe(true);
    expect(chord("F").matches(press("f", { ctrlKey: true }))).toBe(false);
    expect(chord("Mod+0").matches(press("0", { ctrlKey: true }))).toBe(true);
  });

  it("ignore Shift for characters typed with it", () => {
    expect(chord("?").matches(press("?", { shiftKey: true }))).toBe(true);
    expect(chord("?").matches(press("?", { ctrlKey: true }))).toBe(false);
  });

  it("read as the user types them", () => {
    expect(chord("Mod+Shift+Z").label).toBe("Ctrl+Shift+Z");
    expect(chord("Delete").label).toBe("Delete");
    expect(chord("Mod+d").label).toBe("Ctrl+D");
  });

  it("are each bound to one command", () => {
    const view = { fitView: () => undefined, find: () => undefined, showShortcuts: () => undefined, autoLayout: () => undefined };
    const specs = editorShortcuts(view).flatMap((s) => s.chords.map((c) => c.spec));
    expect(new Set(specs).size).toBe(specs.length);
    expect(specs.sort()).toEqual(Object.values(KEYS).flat().sort());
  });
});
