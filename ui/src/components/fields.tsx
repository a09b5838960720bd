// Form controls of the inspector. Each shows a value (or that the selected elements differ,
// MIXED) and reports edits; none keeps the value itself beyond a text field's draft while
// it has the focus.

import { useEffect, useId, useRef, useState, type ReactNode } from "react";

import { newId } from "../state/ids";

/** The selected elements differ in this value. */
export const MIXED = Symbol("mixed");
export type Shown<T> = T | typeof MIXED;

/** How long typing may pause before the text so far is sent. */
export const TEXT_SEND_DELAY_MS = 300;

/** A control with its label above (none for a checkbox, which labels itself) and its explanation below. */
function Field({ id, label, explain, children, testId }: { id?: string; label?: string; explain: string; children: ReactNode; testId: string }) {
  const hint = `${testId}-hint`;
  return (
    <div className="field" data-testid={testId}>
      {label !== undefined &&
        (id ? (
          <label className="field__label" htmlFor={id}>
            {label}
          </label>
        ) : (
          <span className="field__label">{label}</span>
        ))}
      {children}
      <p className="field__explain" id={hint}>
        {explain}
      </p>
    </div>
  );
}

/**
 * A text field. Typing is sent after a short pause and when the field is left, every send
 * of one visit to the field carrying the same `coalesce` key, so that the visit is one undo
 * step. While the field has the focus it shows what was typed, not the model's value.
 */
export function TextField({
  label,
  explain,
  value,
  onEdit,
  testId,
  multiline,
  placeholder,
}: {
  label: string;
  explain: string;
  value: Shown<string>;
  onEdit: (value: string, coalesce: string) => void;
  testId: string;
  multiline?: boolean;
  placeholder?: string;
}) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const visit = useRef<string | null>(null);
  const pending = useRef<{ value: string; timer: ReturnType<typeof setTimeout> } | null>(null);
  const edit = useRef(onEdit);
  edit.current = onEdit;

  const flush = useRef(() => {
    const p = pending.current;
    if (!p || !visit.current) return;
    clearTimeout(p.timer);
    pending.current = null;
    edit.current(p.value, visit.current);
  }).current;

  // Leaving the inspector (another selection) sends what was typed.
  useEffect(() => flush, [flush]);

  const props = {
    id,
    className: `field__input${multiline ? " field__input--multiline" : ""}`,
    value: draft ?? (value === MIXED ? "" : value),
    placeholder: value === MIXED ? "Differs between the selected elements" : placeholder,
    spellCheck: false,
    "aria-describedby": `${testId}-hint`,
    onFocus: () => {
      visit.current = newId();
    },
    onChange: (e: { target: { value: string } }) => {
      const text = e.target.value;
      setDraft(text);
      if (pending.current) clearTimeout(pending.current.timer);
      pending.current = { value: text, timer: setTimeout(flush, TEXT_SEND_DELAY_MS) };
    },
    onBlur: () => {
      flush();
      visit.current = null;
      setDraft(null);
    },
  };
  return (
    <Field id={id} label={label} explain={explain} testId={testId}>
      {multiline ? <textarea rows={3} {...props} /> : <input type="text" {...props} />}
    </Field>
  );
}

const TRI: { value: boolean | null; label: string; name: string }[] = [
  { value: true, label: "Yes", name: "yes" },
  { value: false, label: "No", name: "no" },
  { value: null, label: "Unknown", name: "unknown" },
];

/** Yes / No / Unknown, for a fact the model may not know yet. */
export function YesNoUnknown({ label, explain, value, onEdit, testId }: { label: string; explain: string; value: Shown<boolean | null>; onEdit: (value: boolean | null) => void; testId: string }) {
  return (
    <Field label={label} explain={explain} testId={testId}>
      <div className="segmented" role="radiogroup" aria-label={label}>
        {TRI.map((choice) => {
          const checked = value === choice.value;
          return (
            <button
              key={choice.name}
              type="button"
              role="radio"
              aria-checked={checked}
              data-value={choice.name}
              className={`segmented__option${checked ? " is-checked" : ""}`}
              onClick={() => !checked && onEdit(choice.value)}
            >
              {choice.label}
            </button>
          );
        })}
      </div>
      {value === MIXED && <span className="field__mixed">Differs between the selected elements</span>}
    </Field>
  );
}

const UNKNOWN = "";
const DIFFERS = "\u0000mixed";

/** One of a few values, or unknown. */
export function ChoiceField({
  label,
  explain,
  value,
  choices,
  onEdit,
  testId,
}: {
  label: string;
  explain: string;
  value: Shown<string | null>;
  choices: { value: string; label: string }[];
  onEdit: (value: string | null) => void;
  testId: string;
}) {
  const id = useId();
  const selected = value === MIXED ? DIFFERS : (value ?? UNKNOWN);
  return (
    <Field id={id} label={label} explain={explain} testId={testId}>
      <select id={id} className="field__select" value={selected} onChange={(e) => onEdit(e.target.value === UNKNOWN ? null : e.target.value)}>
        {value === MIXED && (
          <option value={DIFFERS} disabled>
            Differs between the selected elements
          </option>
        )}
        <option value={UNKNOWN}>Unknown</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** A plain on/off setting. */
export function FlagField({ label, explain, value, onEdit, testId }: { label: string; explain: string; value: Shown<boolean>; onEdit: (value: boolean) => void; testId: string }) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = value === MIXED;
  }, [value]);
  return (
    <Field explain={explain} testId={testId}>
      <label className="field__check" htmlFor={id}>
        <input ref={ref} id={id} type="checkbox" checked={value === true} onChange={(e) => onEdit(e.target.checked)} />
        {label}
      </label>
    </Field>
  );
}
