// Find an element by name (Ctrl+F), in every diagram of the model. Enter, or a click, shows
// it: its diagram, selected, in the middle of the view.

import { useState, type KeyboardEvent } from "react";

import type { Document } from "../api/bindings/Document";
import type { Element } from "../api/bindings/Element";
import { useUi } from "../state/ui";
import { KIND_LABELS } from "./elements";

const MAX_RESULTS = 50;

/** The elements whose name contains `query` (ignoring case), those of `diagram` first, then by name. */
function findElements(doc: Document, diagram: string | null, query: string): Element[] {
  const needle = query.trim().toLocaleLowerCase();
  if (!needle) return [];
  return Object.values(doc.elements)
    .filter((e) => e.name.toLocaleLowerCase().includes(needle))
    .sort((a, b) => Number(b.diagram === diagram) - Number(a.diagram === diagram) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .slice(0, MAX_RESULTS);
}

export function FindBar({ doc, diagram, onClose }: { doc: Document; diagram: string | null; onClose: () => void }) {
  const reveal = useUi((s) => s.reveal);
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const results = findElements(doc, diagram, query);
  const current = Math.min(active, Math.max(results.length - 1, 0));

  const go = (e: Element | undefined) => {
    if (!e) return;
    reveal(e.id, e.diagram);
    onClose();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    // The editor's shortcuts do not apply while typing a search.
    e.stopPropagation();
    if (e.key === "ArrowDown") setActive((current + 1) % Math.max(results.length, 1));
    else if (e.key === "ArrowUp") setActive((current - 1 + results.length) % Math.max(results.length, 1));
    else if (e.key === "Enter") go(results[current]);
    else if (e.key === "Escape") onClose();
    else return;
    e.preventDefault();
  };

  return (
    <div className="find" role="search" data-testid="find">
      <input
        className="find__input"
        data-testid="find-input"
        autoFocus
        spellCheck={false}
        placeholder="Find an element by name"
        aria-label="Find an element by name"
        aria-controls="find-results"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onBlur={(e) => {
          if (!e.currentTarget.parentElement?.contains(e.relatedTarget as Node | null)) onClose();
        }}
      />
      {query.trim() && (
        <ul className="find__results" id="find-results" role="listbox" aria-label="Matching elements">
          {results.length === 0 && <li className="find__none">No element is named like that.</li>}
          {results.map((e, i) => (
            <li key={e.id} role="option" aria-selected={i === current}>
              <button
                type="button"
                className={`find__result${i === current ? " is-active" : ""}`}
                data-testid="find-result"
                data-id={e.id}
                tabIndex={-1}
                onMouseDown={(event) => event.preventDefault()}
                onClick={() => go(e)}
              >
                <span className="find__name">{e.name}</span>
                <span className="find__where">
                  {KIND_LABELS[e.properties.kind]}
                  {e.diagram !== diagram && ` · ${doc.diagrams[e.diagram]?.name ?? ""}`}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
