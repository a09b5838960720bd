// What the right-click menu offers for the selection (or for the empty canvas).

import type { Document } from "../api/bindings/Document";
import { separator, type MenuEntry } from "../components/Menu";
import { ALIGNMENTS, arrangeable, DISTRIBUTIONS } from "./arrange";
import type { Payload } from "./clipboard";
import { boundaryRects, deleteSelection, renameSelection, selectAll } from "./commands";
import { alignSelection, copySelection, cutSelection, distributeSelection, duplicateSelection, moveSelectionInto, moveSelectionOut, paste } from "./editing";
import { KEYS, keyLabel, type ViewCommands } from "./keymap";
import { outermost, withContents } from "./moves";

/** How many "Move into …" entries the menu lists at most. */
const MAX_TARGETS = 8;

function quoted(doc: Document, id: string): string {
  return `“${doc.elements[id]?.name.trim() || "unnamed boundary"}”`;
}

/** "Move out of …" and "Move into …" for the selected shapes. */
function boundaryEntries(doc: Document, diagram: string, selection: string[]): MenuEntry[] {
  const group = outermost(doc, diagram, selection);
  if (group.length === 0) return [];
  const holders = new Set(group.map((id) => doc.elements[id]?.parent ?? null));
  const [holder] = holders;
  const entries: MenuEntry[] = [];
  if (holders.size === 1 && holder) {
    entries.push({ kind: "item", label: `Move out of ${quoted(doc, holder)}`, testId: "menu-move-out", run: () => void moveSelectionOut() });
  }
  const moving = withContents(doc, group);
  const targets = boundaryRects(doc, diagram)
    .map((b) => b.id)
    .filter((id) => !moving.has(id) && !(holders.size === 1 && holder === id))
    .sort((a, b) => (doc.elements[a]?.name ?? "").localeCompare(doc.elements[b]?.name ?? ""))
    .slice(0, MAX_TARGETS);
  for (const id of targets) {
    entries.push({ kind: "item", label: `Move into ${quoted(doc, id)}`, testId: "menu-move-into", run: () => void moveSelectionInto(id) });
  }
  return entries;
}

export function contextMenuEntries(doc: Document, diagram: string, selection: string[], clipboard: Payload | null, view: ViewCommands): MenuEntry[] {
  const pasteEntry: MenuEntry = {
    kind: "item",
    label: "Paste",
    shortcut: keyLabel(KEYS.paste),
    disabled: !clipboard,
    testId: "menu-paste",
    run: () => {
      if (clipboard) void paste(clipboard);
    },
  };
  const selected = selection.filter((id) => doc.elements[id]?.diagram === diagram);
  if (selected.length === 0) {
    return [
      pasteEntry,
      { kind: "item", label: "Select all", shortcut: keyLabel(KEYS.selectAll), testId: "menu-select-all", run: selectAll },
      separator,
      { kind: "item", label: "Lay out automatically", shortcut: keyLabel(KEYS.autoLayout), testId: "menu-auto-layout", run: view.autoLayout },
      { kind: "item", label: "Fit to window", shortcut: keyLabel(KEYS.fitView), testId: "menu-fit-view", run: view.fitView },
    ];
  }
  const shapes = arrangeable(doc, diagram, selected).length;
  const entries: MenuEntry[] = [];
  if (selected.length === 1) entries.push({ kind: "item", label: "Rename", shortcut: keyLabel(KEYS.rename), testId: "menu-rename", run: renameSelection });
  const copyable = shapes > 0;
  entries.push(
    { kind: "item", label: "Duplicate", shortcut: keyLabel(KEYS.duplicate), disabled: !copyable, testId: "menu-duplicate", run: () => void duplicateSelection() },
    { kind: "item", label: "Copy", shortcut: keyLabel(KEYS.copy), disabled: !copyable, testId: "menu-copy", run: copySelection },
    { kind: "item", label: "Cut", shortcut: keyLabel(KEYS.cut), disabled: !copyable, testId: "menu-cut", run: cutSelection },
    pasteEntry,
    { kind: "item", label: "Delete", shortcut: keyLabel(KEYS.delete), testId: "menu-delete", run: () => void deleteSelection() },
  );
  const moves = boundaryEntries(doc, diagram, selected);
  if (moves.length > 0) entries.push(separator, ...moves);
  if (shapes >= 2) {
    entries.push(separator, { kind: "heading", label: "Align" });
    for (const a of ALIGNMENTS) entries.push({ kind: "item", label: a.label, testId: `menu-align-${a.value}`, run: () => void alignSelection(a.value) });
  }
  if (shapes >= 3) {
    for (const d of DISTRIBUTIONS) entries.push({ kind: "item", label: d.label, testId: `menu-distribute-${d.value}`, run: () => void distributeSelection(d.value) });
  }
  return entries;
}
