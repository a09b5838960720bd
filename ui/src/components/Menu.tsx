// Menus: a list of commands that opens under a button (the File menu) or at the pointer
// (the context menu). Arrow keys move between items, Enter runs one, Escape or a click
// elsewhere closes the menu.

import { useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode, type RefObject } from "react";

export type MenuEntry =
  | {
      kind: "item";
      label: string;
      run: () => void;
      disabled?: boolean;
      /** A second, quieter line under the label. */
      hint?: string;
      /** The key that does the same, shown on the right, e.g. "Ctrl+D". */
      shortcut?: string;
      testId?: string;
    }
  | { kind: "separator" }
  | { kind: "heading"; label: string };

export const separator: MenuEntry = { kind: "separator" };

interface MenuListProps {
  entries: MenuEntry[];
  label: string;
  onClose: () => void;
  /** Clicks on this element do not count as "elsewhere" (the button that toggles the menu). */
  anchor?: RefObject<HTMLElement | null>;
  /** Where the menu's top-left corner goes, in window coordinates; it is kept inside the window. */
  at?: { x: number; y: number };
  testId?: string;
}

function enabledItems(menu: HTMLElement | null): HTMLButtonElement[] {
  return Array.from(menu?.querySelectorAll<HTMLButtonElement>("[role=menuitem]:not(:disabled)") ?? []);
}

export function MenuList({ entries, label, onClose, anchor, at, testId }: MenuListProps) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<CSSProperties | undefined>(at ? { left: at.x, top: at.y } : undefined);

  useLayoutEffect(() => {
    const menu = ref.current;
    if (!menu || !at) return;
    const box = menu.getBoundingClientRect();
    const margin = 8;
    setPosition({
      left: Math.max(margin, Math.min(at.x, window.innerWidth - box.width - margin)),
      top: Math.max(margin, Math.min(at.y, window.innerHeight - box.height - margin)),
    });
  }, [at]);

  useEffect(() => {
    enabledItems(ref.current)[0]?.focus();
    const onPointerDown = (e: PointerEvent) => {
      const target = e.target as Node | null;
      if (ref.current?.contains(target) || anchor?.current?.contains(target)) return;
      onClose();
    };
    document.addEventListener("pointerdown", onPointerDown, true);
    return () => document.removeEventListener("pointerdown", onPointerDown, true);
  }, [anchor, onClose]);

  const onKeyDown = (e: KeyboardEvent) => {
    // The editor's shortcuts do not apply while a menu has the keyboard.
    e.stopPropagation();
    const items = enabledItems(ref.current);
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    const focus = (i: number) => items[(i + items.length) % items.length]?.focus();
    if (e.key === "ArrowDown") focus(index + 1);
    else if (e.key === "ArrowUp") focus(index - 1);
    else if (e.key === "Home") focus(0);
    else if (e.key === "End") focus(items.length - 1);
    else if (e.key === "Escape" || e.key === "Tab") onClose();
    else return;
    e.preventDefault();
  };

  return (
    <div
      ref={ref}
      role="menu"
      aria-label={label}
      className={`menu${at ? " menu--floating" : ""}`}
      style={position}
      data-testid={testId}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => e.preventDefault()}
    >
      {entries.map((entry, i) => {
        if (entry.kind === "separator") return <div key={i} role="separator" className="menu__separator" />;
        if (entry.kind === "heading")
          return (
            <div key={i} role="presentation" className="menu__heading">
              {entry.label}
            </div>
          );
        return (
          <button
            key={i}
            type="button"
            role="menuitem"
            className="menu__item"
            data-testid={entry.testId}
            disabled={entry.disabled}
            onClick={() => {
              onClose();
              entry.run();
            }}
          >
            <span className="menu__text">
              <span className="menu__label">{entry.label}</span>
              {entry.hint && <span className="menu__hint">{entry.hint}</span>}
            </span>
            {entry.shortcut && <kbd className="menu__shortcut">{entry.shortcut}</kbd>}
          </button>
        );
      })}
    </div>
  );
}

/** A toolbar button that opens a menu under itself. */
export function MenuButton({ label, entries, testId, children }: { label: string; entries: () => MenuEntry[]; testId?: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLButtonElement>(null);
  const close = useRef(() => {
    setOpen(false);
    anchor.current?.focus();
  }).current;
  return (
    <div className="menu-anchor">
      <button
        ref={anchor}
        type="button"
        className={`button${open ? " is-active" : ""}`}
        data-testid={testId}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => setOpen((o) => !o)}
      >
        {children}
      </button>
      {open && <MenuList entries={entries()} label={label} onClose={close} anchor={anchor} />}
    </div>
  );
}
