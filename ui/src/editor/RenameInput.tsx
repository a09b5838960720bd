import { useEffect, useRef } from "react";

import { apply } from "../state/actions";
import { useUi } from "../state/ui";

/**
 * The in-place name editor. Enter or leaving the field sends one `rename`; Escape cancels.
 * An unchanged name sends nothing.
 */
export function RenameInput({ id, name, className }: { id: string; name: string; className?: string }) {
  const ref = useRef<HTMLInputElement>(null);
  const done = useRef(false);
  const setRenaming = useUi((s) => s.setRenaming);

  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    input.select();
  }, []);

  const finish = (commit: boolean) => {
    if (done.current) return;
    done.current = true;
    const value = ref.current?.value ?? name;
    setRenaming(null);
    if (commit && value !== name) {
      void apply({ op: "rename", key: { kind: "element", id }, name: value });
    }
  };

  return (
    <input
      ref={ref}
      data-testid="rename-input"
      className={`rename-input nodrag nopan nowheel ${className ?? ""}`}
      defaultValue={name}
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
