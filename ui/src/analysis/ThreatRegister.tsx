// The threat register: every threat of the model in a table that filters and sorts, with
// the selected threat's details beside it. Selecting a threat shows its element or flow on
// the canvas.

import { useMemo, useState } from "react";

import type { Document } from "../api/bindings/Document";
import type { ThreatView } from "../api/bindings/ThreatView";
import { revealFirst, useUi } from "../state/ui";
import { addManualThreat, loadRulePack } from "./edits";
import { BY_RISK, CATEGORIES, nextSort, NO_FILTER, SEVERITIES, shownThreats, STATUSES, type RegisterFilter, type Sort, type SortKey } from "./register";
import { ThreatDetails } from "./ThreatDetails";

/** More rows than this are not drawn at once: the filter narrows them down. */
const MAX_ROWS = 400;

function FilterSelect<T extends string>({ label, value, options, onChange, testId }: { label: string; value: T | null; options: readonly T[]; onChange: (value: T | null) => void; testId: string }) {
  return (
    <select className="field__select field__select--small" aria-label={label} data-testid={testId} value={value ?? ""} onChange={(e) => onChange((e.target.value || null) as T | null)}>
      <option value="">{label}: all</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );
}

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: "risk", label: "Risk" },
  { key: "category", label: "Category" },
  { key: "title", label: "Threat" },
  { key: "target", label: "Element" },
  { key: "status", label: "Status" },
  { key: "due", label: "Due" },
];


export function ThreatRegister({ doc, threats }: { doc: Document; threats: ThreatView[] | null }) {
  const [filter, setFilter] = useState<RegisterFilter>(NO_FILTER);
  const [sort, setSort] = useState<Sort>(BY_RISK);
  const openId = useUi((s) => s.threat);
  const selection = useUi((s) => s.selection);
  const shown = useMemo(() => (threats ? shownThreats(threats, filter, sort) : []), [threats, filter, sort]);
  const open = threats?.find((t) => t.id === openId) ?? null;
  const set = (change: Partial<RegisterFilter>) => setFilter((f) => ({ ...f, ...change }));
  const selected = selection.length === 1 ? selection[0]! : null;
  const elementFilterName = filter.element ? doc.elements[filter.element]?.name.trim() || "the element" : null;

  if (!threats) return <p className="panel__empty">Generating threats…</p>;

  const pick = (t: ThreatView) => {
    useUi.getState().showThreat(t.id);
    // Its element, or the flow it was generated for when the element is gone.
    revealFirst(doc, [t.target_id, t.flow_id]);
  };
  const addThreat = async () => {
    const id = await addManualThreat(selected && doc.elements[selected] ? selected : null);
    if (id) useUi.getState().showThreat(id);
  };

  return (
    <div className="register" data-testid="threat-register">
      <div className="register__main">
        <div className="register__filters" role="search">
          <input className="field__input field__input--small" data-testid="register-search" placeholder="Search threats" aria-label="Search threats" value={filter.text} onChange={(e) => set({ text: e.target.value })} />
          <FilterSelect label="Category" testId="filter-category" value={filter.category} options={CATEGORIES} onChange={(category) => set({ category })} />
          <FilterSelect label="Severity" testId="filter-severity" value={filter.severity} options={SEVERITIES} onChange={(severity) => set({ severity })} />
          <FilterSelect label="Status" testId="filter-status" value={filter.status} options={STATUSES} onChange={(status) => set({ status })} />
          <select className="field__select field__select--small" aria-label="Stale threats" data-testid="filter-stale" value={filter.stale} onChange={(e) => set({ stale: e.target.value as RegisterFilter["stale"] })}>
            <option value="include">Stale: shown</option>
            <option value="hide">Stale: hidden</option>
            <option value="only">Stale only</option>
          </select>
          {filter.element ? (
            <button type="button" className="chip" data-testid="filter-element" onClick={() => set({ element: null })} title="Show the threats of every element">
              Only {elementFilterName} ✕
            </button>
          ) : (
            <button type="button" className="button button--small" data-testid="filter-selected" disabled={!selected} onClick={() => set({ element: selected })} title="Show only the threats of the selected element">
              Selected element only
            </button>
          )}
          <span className="register__count" data-testid="register-count">
            {shown.length === threats.length ? `${threats.length} threats` : `${shown.length} of ${threats.length} threats`}
          </span>
          <button type="button" className="button button--small" data-testid="add-threat" onClick={() => void addThreat()} title="Write down a threat the rules did not generate (against the selected element, if one is selected)">
            + Threat
          </button>
          <button type="button" className="button button--small" data-testid="load-rule-pack" onClick={() => void loadRulePack()} title="Generate threats from an extra rule pack too (JSON, the format of the built-in rules)">
            Rule pack…
          </button>
        </div>
        <div className="register__table-wrap">
          <table className="register__table">
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <th key={c.key} aria-sort={sort.key === c.key ? (sort.descending ? "descending" : "ascending") : "none"}>
                    <button type="button" className="register__sort" data-testid={`sort-${c.key}`} onClick={() => setSort((s) => nextSort(s, c.key))}>
                      {c.label}
                      {sort.key === c.key && <span aria-hidden="true">{sort.descending ? " ▾" : " ▴"}</span>}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.slice(0, MAX_ROWS).map((t) => (
                <tr
                  key={t.id}
                  className={`register__row${t.id === openId ? " register__row--open" : ""}${t.stale ? " register__row--stale" : ""}`}
                  data-testid="threat-row"
                  data-threat={t.id}
                  aria-selected={t.id === openId}
                  onClick={() => pick(t)}
                >
                  <td>
                    <span className={`severity-pill severity-pill--${t.severity.toLowerCase()}`}>{t.severity}</span> <span className="register__score">{t.rpn ?? t.score}</span>
                  </td>
                  <td>{t.category}</td>
                  <td className="register__title" data-testid="threat-title">
                    {t.title}
                    {t.stale && <span className="tag">stale</span>}
                    {t.origin === "manual" && <span className="tag">manual</span>}
                  </td>
                  <td>{t.target_name || "—"}</td>
                  <td>
                    {t.status}
                    {t.decision && <span className="register__decision"> · {t.decision}</span>}
                  </td>
                  <td>{t.due_date ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {shown.length > MAX_ROWS && <p className="panel__empty">The first {MAX_ROWS} are shown: narrow the filter to see the others.</p>}
          {shown.length === 0 && <p className="panel__empty">No threat matches the filter.</p>}
          {shown.length > 0 && !open && <p className="panel__empty">Select a threat to record what was decided about it.</p>}
        </div>
      </div>
      {open && (
        <div className="register__details">
          <button type="button" className="register__details-close button button--icon-only" aria-label="Close the threat" data-testid="close-threat" onClick={() => useUi.getState().showThreat(null)}>
            ✕
          </button>
          <ThreatDetails doc={doc} threat={open} />
        </div>
      )}
    </div>
  );
}
