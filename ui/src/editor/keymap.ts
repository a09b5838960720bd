// The editor's keyboard shortcuts, in one table: the key handler runs them and the cheat
// sheet lists them, so the two cannot disagree.

import { redo, undo } from "../state/actions";
import { useUi } from "../state/ui";
import { deleteSelection, renameSelection, selectAll } from "./commands";
import { duplicateSelection } from "./editing";

export const MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

export interface Chord {
  /** As written in the table: "Mod+Shift+Z", "F2", "?". "Mod" is Ctrl, or ⌘ on a Mac. */
  spec: string;
  /** As shown to the user: "Ctrl+Shift+Z". */
  label: string;
  matches: (e: KeyboardEvent) => boolean;
}

/** Keys whose character already depends on Shift (so Shift is not checked for them). */
const SHIFTED = /^[^a-z0-9]$/i;

export function chord(spec: string): Chord {
  const parts = spec.split("+");
  const key = parts.pop()!;
  const mods = new Set(parts);
  const label = [...parts.map((m) => (m === "Mod" ? (MAC ? "⌘" : "Ctrl") : m)), key.length === 1 ? key.toUpperCase() : key].join("+");
  return {
    spec,
    label,
    matches: (e) =>
      e.key.toLowerCase() === key.toLowerCase() &&
      (e.ctrlKey || e.metaKey) === mods.has("Mod") &&
      e.altKey === mods.has("Alt") &&
      (SHIFTED.test(key) || e.shiftKey === mods.has("Shift")),
  };
}

export type Group = "Edit" | "Arrange" | "View";

export interface Shortcut {
  group: Group;
  label: string;
  chords: Chord[];
  /** Undefined when the webview's clipboard events do the work (copy, cut, paste). */
  run?: (e: KeyboardEvent) => boolean | void;
}

/** What the shortcuts ask of the view around the canvas. */
export interface ViewCommands {
  fitView: () => void;
  find: () => void;
  showShortcuts: () => void;
  autoLayout: () => void;
}

/** The keys of each command, for the table below and for the menus that show them. */
export const KEYS = {
  undo: ["Mod+Z"],
  redo: ["Mod+Shift+Z", "Mod+Y"],
  rename: ["F2", "Enter"],
  delete: ["Delete", "Backspace"],
  copy: ["Mod+C"],
  cut: ["Mod+X"],
  paste: ["Mod+V"],
  duplicate: ["Mod+D"],
  selectAll: ["Mod+A"],
  clearSelection: ["Escape"],
  autoLayout: ["Mod+Shift+L"],
  find: ["Mod+F"],
  findings: ["Mod+Shift+E"],
  threats: ["Mod+Shift+T"],
  fitView: ["Mod+0", "F"],
  shortcuts: ["?"],
} satisfies { [command: string]: string[] };

/** The first keys of a command, as a menu shows them. */
export function keyLabel(specs: string[]): string {
  return chord(specs[0]!).label;
}

const keys = (specs: string[]) => specs.map(chord);

/** True when a key press belongs to a text field rather than to the editor. */
export function typing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
}

export function editorShortcuts(view: ViewCommands): Shortcut[] {
  return [
    { group: "Edit", label: "Undo", chords: keys(KEYS.undo), run: () => void undo() },
    { group: "Edit", label: "Redo", chords: keys(KEYS.redo), run: () => void redo() },
    {
      group: "Edit",
      label: "Rename the selected element",
      chords: keys(KEYS.rename),
      // Enter on a focused button presses the button instead.
      run: (e) => !(e.key === "Enter" && e.target instanceof HTMLElement && e.target.closest("button, a, [role=button]")) && renameSelection(),
    },
    { group: "Edit", label: "Delete the selection", chords: keys(KEYS.delete), run: () => void deleteSelection() },
    { group: "Edit", label: "Copy", chords: keys(KEYS.copy) },
    { group: "Edit", label: "Cut", chords: keys(KEYS.cut) },
    { group: "Edit", label: "Paste (also into another diagram or model)", chords: keys(KEYS.paste) },
    { group: "Edit", label: "Duplicate", chords: keys(KEYS.duplicate), run: () => void duplicateSelection() },
    { group: "Edit", label: "Select everything in the diagram", chords: keys(KEYS.selectAll), run: () => selectAll() },
    { group: "Edit", label: "Clear the selection", chords: keys(KEYS.clearSelection), run: () => useUi.getState().setSelection([]) },
    { group: "Arrange", label: "Lay the diagram out automatically", chords: keys(KEYS.autoLayout), run: view.autoLayout },
    { group: "View", label: "Find an element by name", chords: keys(KEYS.find), run: view.find },
    { group: "View", label: "Show or hide the validation findings", chords: keys(KEYS.findings), run: () => useUi.getState().togglePanel("findings") },
    { group: "View", label: "Show or hide the threat register", chords: keys(KEYS.threats), run: () => useUi.getState().togglePanel("threats") },
    { group: "View", label: "Fit the diagram in the window", chords: keys(KEYS.fitView), run: view.fitView },
    { group: "View", label: "Show these shortcuts", chords: keys(KEYS.shortcuts), run: view.showShortcuts },
  ];
}

/**
 * Whether a key pressed without Ctrl or ⌘ belongs to the panel that has the focus (the
 * inspector, the tabs: marked `data-own-keys`), so that Delete on one of its buttons does
 * not delete the selection.
 */
function forPanel(e: KeyboardEvent): boolean {
  return !e.ctrlKey && !e.metaKey && e.target instanceof HTMLElement && e.target.closest("[data-own-keys]") !== null;
}

/** Run the shortcut a key press asks for, unless it belongs to a text field or a panel. */
export function runShortcut(shortcuts: Shortcut[], e: KeyboardEvent): void {
  if (e.defaultPrevented || typing(e.target) || forPanel(e)) return;
  const shortcut = shortcuts.find((s) => s.run && s.chords.some((c) => c.matches(e)));
  if (shortcut?.run && shortcut.run(e) !== false) e.preventDefault();
}

/** What the mouse does, for the cheat sheet. */
export const GESTURES: { label: string; gesture: string }[] = [
  { gesture: "Drag from the palette", label: "Add a shape where you drop it" },
  { gesture: "Drag from a shape's edge", label: "Draw a data flow to another shape" },
  { gesture: "Shift+drag", label: "Select the shapes in a box" },
  { gesture: "Shift+click, Ctrl+click", label: "Add to or remove from the selection" },
  { gesture: "Double-click", label: "Rename" },
  { gesture: "Right-click", label: "Commands for what is under the pointer" },
  { gesture: "Drag a shape into a boundary", label: "Put it inside that boundary" },
  { gesture: "Scroll, drag the background", label: "Zoom, pan" },
];
