import { useEffect, useRef } from "react";

import type { RecordKey } from "../api/bindings/RecordKey";
import { apply } from "../state/actions";

interface RenameInputProps {
  /** The record renamed: an element, a diagram. */
  recordKey: RecordKey;
  name: string;
  /** What the field starts with instead of the name (typing over a selected node starts a rename). */
  initial?: string | null;
  className?: string;
  /** Called once, when the field closes (committed or cancelled). */
  onDone: () => void;
}

/**
 * The in-place name editor. Enter or leaving the field sends one `rename`; Escape cancels.
 * An unchanged name sends nothing.
 */
export function RenameInput({ recordKey, name, initial = null, className, onDone }: RenameInputProps) {
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);

  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    if (initial === null) input.select();
    else input.setSelectionRange(initial.length, initial.length);
  }, [initial]);

  const finish = (commit: boolean) => {
    if (done.current) return;
    done.current = true;
    const value = ref.current?.value ?? name;
    onDone();
    if (commit && value !== name) {
      void apply({ op: "rename", key: recordKey, name: value });
    }
  };

  return (
    <input
      ref={ref}
      data-testid="rename-input"
      className={`rename-input nodrag nopan nowheel ${className ?? ""}`}
      defaultValue={initial ?? name}
      aria-label="Name"
      spellCheck={false}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === "Enter") {
          e.preventDefault();
          finish(true);
        } else if (e.key === "Escape") {
          e.preventDefault();
          finish(false);
        }
      }}
      onBlur={() => finish(true)}
      onPointerDown={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
    />
  );
}
