// The tree drawn top-down: nodes as cards carrying the engine's values, gates drawn under
// their node (AND flat-topped and round-bottomed, OR pointed, SAND an AND with an arrow
// along its children in order), countermeasures hanging on dashed links, extra links of
// shared steps dashed. The cheapest scenario is lit; what the attacker profile rules out
// is greyed. The keyboard edits the tree (see KEYS_HELP).

import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from "react";

import type { AttackNode } from "../api/bindings/AttackNode";
import type { Document } from "../api/bindings/Document";
import type { NodeAnalysis } from "../api/bindings/NodeAnalysis";
import { RenameInput } from "../editor/RenameInput";
import { addChild, addSibling, deleteNode, parentOf, toggleCollapsed, toggleImplemented } from "./commands";
import { duration, money, percent } from "./format";
import { cachedLayout, neighbour, type Placed, type TreeLayout } from "./layout";
import { isLeaf, nodeLabel } from "./model";
import { useTree } from "./store";

const PAD = 32;

const clampZoom = (z: number) => Math.min(2, Math.max(0.25, z));

export const KEYS_HELP = "Tab: add a child · Enter: add a sibling · arrows: move · F2 or type: rename · Delete: delete · Space: collapse or expand · F5: present";

const ARROWS: { [key: string]: "up" | "down" | "left" | "right" } = { ArrowUp: "up", ArrowDown: "down", ArrowLeft: "left", ArrowRight: "right" };

/** The gate's glyph, centred on (0, 0), about 24 × 20. */
function gatePath(gate: AttackNode["gate"]): string {
  return gate === "or" ? "M -12 -9 Q 0 -3 12 -9 Q 10 3 0 11 Q -10 3 -12 -9 Z" : "M -12 -9 L 12 -9 L 12 1 A 12 10 0 0 1 -12 1 Z";
}

/** A button on a card neither selects the card nor takes the keyboard from the canvas. */
const keepFocus = (e: { stopPropagation: () => void; preventDefault: () => void }) => {
  e.stopPropagation();
  e.preventDefault();
};

const GATE_WORDS = { and: "AND", or: "OR", sand: "SAND", leaf: "" } as const;

function Links({ doc, layout, lit, shown }: { doc: Document; layout: TreeLayout; lit: Set<string>; shown: (p: Placed) => boolean }) {
  const glyphY = (p: Placed) => p.y + p.height + 16;
  return (
    <svg className="tree-links" width={layout.width + PAD * 2} height={layout.height + PAD * 2} aria-hidden>
      <defs>
        <marker id="tree-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="tree-links__arrowhead" />
        </marker>
      </defs>
      <g transform={`translate(${PAD} ${PAD})`}>
        {layout.links.map((l) => {
          const from = layout.nodes.get(l.from)!;
          const to = layout.nodes.get(l.to)!;
          if (!shown(from) && !shown(to)) return null;
          const gate = l.kind === "child" && doc.attack_nodes[l.from] && !isLeaf(doc.attack_nodes[l.from]!);
          const x1 = from.x + from.width / 2;
          const y1 = gate ? glyphY(from) + 10 : from.y + from.height;
          const x2 = to.x + to.width / 2;
          const y2 = to.y;
          const mid = (y1 + y2) / 2;
          const onPath = lit.has(l.from) && lit.has(l.to);
          const cls = ["tree-link", `tree-link--${l.kind}`, l.primary ? "" : "tree-link--shared", onPath ? "is-lit" : ""].join(" ");
          return <path key={`${l.from}>${l.to}`} className={cls} d={`M ${x1} ${y1} C ${x1} ${mid}, ${x2} ${mid}, ${x2} ${y2}`} />;
        })}
        {[...layout.nodes.values()].map((p) => {
          const n = doc.attack_nodes[p.id];
          if (!n || isLeaf(n) || n.collapsed || !shown(p)) return null;
          const cx = p.x + p.width / 2;
          const kids = n.children.map((c) => layout.nodes.get(c)).filter((c): c is Placed => !!c);
          const arrowY = glyphY(p) + 26;
          return (
            <g key={`gate-${p.id}`} data-testid="gate" data-gate={n.gate} data-node={p.id}>
              <line className={`tree-link${lit.has(p.id) ? " is-lit" : ""}`} x1={cx} y1={p.y + p.height} x2={cx} y2={glyphY(p) - 9} />
              <path className={`gate gate--${n.gate}${lit.has(p.id) ? " is-lit" : ""}`} d={gatePath(n.gate)} transform={`translate(${cx} ${glyphY(p)})`} />
              <text className="gate__word" x={cx + 18} y={glyphY(p) + 4}>
                {GATE_WORDS[n.gate]}
              </text>
              {n.gate === "sand" && kids.length > 1 && (
                <line className="gate__order" x1={kids[0]!.x + kids[0]!.width / 2 - 20} y1={arrowY} x2={kids.at(-1)!.x + kids.at(-1)!.width / 2 + 20} y2={arrowY} markerEnd="url(#tree-arrow)" />
              )}
            </g>
          );
        })}
      </g>
    </svg>
  );
}

/** The engine's values at an attack node; the ones it does not know are left out. */
function Values({ v, currency, node }: { v: NodeAnalysis | undefined; currency: string; node: AttackNode }) {
  if (!v) return <div className="tnode__values">…</div>;
  if (!v.reachable) return <div className="tnode__values tnode__values--blocked">blocked by a countermeasure</div>;
  const known = v.min_cost !== null || v.max_probability !== null || v.min_time !== null || v.min_skill !== null;
  return (
    <div className="tnode__values">
      {v.min_cost !== null && (
        <span data-testid="node-cost" title="Cost of the cheapest way past this node">
          {money(v.min_cost, currency)}
        </span>
      )}
      {v.max_probability !== null && <span title="Probability of the most likely way past this node">{percent(v.max_probability)}</span>}
      {v.min_time !== null && <span title="Shortest time">{duration(v.min_time)}</span>}
      {v.min_skill !== null && <span title="Lowest skill needed (1-5)">skill {v.min_skill}</span>}
      {isLeaf(node) && node.attributes.detectability !== null && <span title="Detectability (1-5)">detect {node.attributes.detectability}</span>}
      {!known && <span className="tnode__missing">{isLeaf(node) ? "no cost yet: set it in the inspector" : "values unknown"}</span>}
    </div>
  );
}

/** A small shield, the mark of a countermeasure. */
function Shield() {
  return (
    <svg className="tnode__shield" width="11" height="13" viewBox="0 0 11 13" aria-label="Countermeasure" role="img">
      <path d="M 5.5 0.5 L 10.5 2.5 L 10.5 6 Q 10.5 10.5 5.5 12.5 Q 0.5 10.5 0.5 6 L 0.5 2.5 Z" />
    </svg>
  );
}

interface CardProps {
  node: AttackNode;
  placed: Placed;
  v: NodeAnalysis | undefined;
  currency: string;
  lit: boolean;
  selected: boolean;
}

/**
 * Whether a card would draw the same: the same record (the mirror keeps unchanged records),
 * the same place and the same values. A new layout and a new analysis come as new objects
 * after every edit; comparing their contents keeps an edit in a large tree to the few
 * cards it changes.
 */
function sameCard(a: CardProps, b: CardProps): boolean {
  const p = a.placed;
  const q = b.placed;
  const same = <T extends object>(x: T | undefined, y: T | undefined) =>
    x === y || (!!x && !!y && (Object.keys(x) as (keyof T)[]).every((k) => x[k] === y[k]));
  return (
    a.node === b.node &&
    a.currency === b.currency &&
    a.lit === b.lit &&
    a.selected === b.selected &&
    p.x === q.x &&
    p.y === q.y &&
    p.height === q.height &&
    p.hidden === q.hidden &&
    same(a.v, b.v)
  );
}

const Card = memo(function Card({ node, placed, v, currency, lit, selected }: CardProps) {
  const renaming = useTree((s) => (s.renaming?.id === node.id ? s.renaming : null));
  const { select, rename } = useTree.getState();
  const defense = node.role === "defense";
  const classes = [
    "tnode",
    `tnode--${node.role}`,
    isLeaf(node) ? "tnode--leaf" : "tnode--gate",
    defense && node.implemented ? "is-implemented" : "",
    lit ? "is-lit" : "",
    selected ? "is-selected" : "",
    // A defence the attacker cannot defeat is working, not blocked.
    v && !v.reachable && !defense ? "is-blocked" : "",
    v?.within_profile === false ? "is-out-of-reach" : "",
  ].join(" ");
  return (
    <div
      className={classes}
      style={{ left: placed.x + PAD, top: placed.y + PAD, width: placed.width, height: placed.height }}
      data-testid="tree-node"
      data-id={node.id}
      data-role={node.role}
      data-lit={lit}
      data-cost={v?.min_cost ?? ""}
      data-probability={v?.max_probability ?? ""}
      data-time={v?.min_time ?? ""}
      data-skill={v?.min_skill ?? ""}
      data-within={v?.within_profile ?? ""}
      onMouseDown={() => select(node.id)}
      onDoubleClick={() => rename(node.id)}
    >
      {renaming ? (
        <RenameInput
          recordKey={{ kind: "attack_node", id: node.id }}
          name={node.label}
          initial={renaming.initial}
          className="tnode__input"
          onDone={() => {
            rename(null);
            document.querySelector<HTMLElement>('[data-testid="tree-canvas"]')?.focus();
          }}
        />
      ) : (
        <div className="tnode__label" data-testid="tree-node-label" title={nodeLabel(node)}>
          {defense && <Shield />}
          {nodeLabel(node)}
        </div>
      )}
      {defense ? (
        <button
          type="button"
          className="tnode__implemented"
          data-testid="cm-implemented"
          aria-pressed={node.implemented}
          title="Is this control in place? Click to change"
          tabIndex={-1}
          onMouseDown={keepFocus}
          onClick={() => void toggleImplemented(node.id)}
        >
          {node.implemented ? "✓ In place" : "○ Not in place"}
        </button>
      ) : (
        <Values v={v} currency={currency} node={node} />
      )}
      {(node.children.length > 0 || node.countermeasures.length > 0) && (
        <button
          type="button"
          className="tnode__fold"
          data-testid="fold"
          title={node.collapsed ? "Expand" : "Collapse"}
          aria-expanded={!node.collapsed}
          tabIndex={-1}
          onMouseDown={keepFocus}
          onClick={() => void toggleCollapsed(node.id)}
        >
          {node.collapsed ? `▸ ${placed.hidden} hidden` : "▾"}
        </button>
      )}
    </div>
  );
}, sameCard);

/** Content pixels around the view that are drawn too, so that scrolling shows no gap. */
const DRAW_MARGIN = 400;

interface Viewport {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The part of the tree in view, in layout coordinates; null before the view has a size (draw everything). */
function useViewport(ref: RefObject<HTMLDivElement | null>, zoom: number): Viewport | null {
  const [view, setView] = useState<Viewport | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let frame = 0;
    const measure = () => {
      frame = 0;
      if (el.clientWidth > 0) setView({ x: el.scrollLeft / zoom - PAD, y: el.scrollTop / zoom - PAD, w: el.clientWidth / zoom, h: el.clientHeight / zoom });
    };
    const later = () => {
      frame ||= requestAnimationFrame(measure);
    };
    measure();
    el.addEventListener("scroll", later, { passive: true });
    const resize = new ResizeObserver(later);
    resize.observe(el);
    return () => {
      el.removeEventListener("scroll", later);
      resize.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [ref, zoom]);
  return view;
}

export function TreeCanvas({ doc, tree }: { doc: Document; tree: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const layout = useMemo(() => cachedLayout(doc, tree), [doc, tree]);
  const selected = useTree((s) => s.selected);
  const analysis = useTree((s) => s.analysis);
  const highlighted = useTree((s) => s.highlighted);
  const currency = doc.metadata.currency;
  const values = useTree((s) => s.values);
  const litKey = (highlighted ?? analysis?.cheapest_nodes ?? []).join();
  const lit = useMemo(() => new Set(litKey ? litKey.split(",") : []), [litKey]);
  const [zoom, setZoom] = useState(1);
  const view = useViewport(ref, zoom);

  // Keep the selected node in view (it may not be drawn yet: scroll by its layout).
  useEffect(() => {
    const p = selected ? layout.nodes.get(selected) : undefined;
    const el = ref.current;
    if (!p || !el || el.clientWidth === 0) return;
    const [left, top] = [(p.x + PAD) * zoom, (p.y + PAD) * zoom];
    const [right, bottom] = [left + p.width * zoom, top + p.height * zoom];
    if (left < el.scrollLeft) el.scrollLeft = left - PAD;
    else if (right > el.scrollLeft + el.clientWidth) el.scrollLeft = right - el.clientWidth + PAD;
    if (top < el.scrollTop) el.scrollTop = top - PAD;
    else if (bottom > el.scrollTop + el.clientHeight) el.scrollTop = bottom - el.clientHeight + PAD;
  }, [selected, layout, zoom]);

  // Only what is near the view is drawn, so that a tree of thousands of nodes stays quick to edit.
  const shown = (p: Placed) =>
    !view ||
    p.id === selected ||
    (p.x + p.width >= view.x - DRAW_MARGIN && p.x <= view.x + view.w + DRAW_MARGIN && p.y + p.height >= view.y - DRAW_MARGIN && p.y <= view.y + view.h + DRAW_MARGIN);

  const onKey = (e: KeyboardEvent) => {
    // From the store, not this render: keys may come faster than renders.
    const { select, rename, renaming, selected } = useTree.getState();
    if (renaming || e.ctrlKey || e.metaKey || e.altKey || !selected || !doc.attack_nodes[selected]) return;
    const direction = ARROWS[e.key];
    const node = doc.attack_nodes[selected]!;
    let handled = true;
    if (direction) {
      const next = neighbour(layout, selected, direction, (id) => parentOf(doc, id));
      if (next) select(next);
    } else if (e.key === "Tab" && !e.shiftKey) void addChild(selected);
    else if (e.key === "Enter") void addSibling(selected);
    else if (e.key === "F2") rename(selected);
    else if (e.key === "Delete" || e.key === "Backspace") void deleteNode(selected);
    else if (e.key === " " && (node.children.length > 0 || node.countermeasures.length > 0)) void toggleCollapsed(selected);
    else if (e.key.length === 1 && e.key !== " ") rename(selected, e.key);
    else handled = false;
    if (handled) e.preventDefault();
  };

  const width = layout.width + PAD * 2;
  const height = layout.height + PAD * 2 + 40;
  const fit = () => {
    const view = ref.current;
    if (view && view.clientWidth > 0) setZoom(clampZoom(Math.min(1, view.clientWidth / width, view.clientHeight / height)));
  };
  return (
    <>
      <div
        className="tree-canvas"
        ref={ref}
        tabIndex={0}
        data-testid="tree-canvas"
        aria-label="Attack tree"
        onKeyDown={onKey}
        onWheel={(e) => {
          if (e.ctrlKey || e.metaKey) setZoom((z) => clampZoom(z * (e.deltaY < 0 ? 1.1 : 1 / 1.1)));
        }}
      >
        <div className="tree-canvas__inner" style={{ width, height, zoom }}>
          <Links doc={doc} layout={layout} lit={lit} shown={shown} />
          {layout.order
            .map((id) => layout.nodes.get(id)!)
            .filter(shown)
            .map((placed) => (
              <Card key={placed.id} node={doc.attack_nodes[placed.id]!} placed={placed} v={values.get(placed.id)} currency={currency} lit={lit.has(placed.id)} selected={placed.id === selected} />
            ))}
        </div>
      </div>
      <div className="tree-zoom" data-own-keys>
        <button type="button" className="button button--small" aria-label="Zoom out" onClick={() => setZoom((z) => clampZoom(z / 1.25))}>
          −
        </button>
        <button type="button" className="button button--small" data-testid="tree-fit" title="Fit the tree in the view" onClick={fit}>
          {Math.round(zoom * 100)}%
        </button>
        <button type="button" className="button button--small" aria-label="Zoom in" onClick={() => setZoom((z) => clampZoom(z * 1.25))}>
          +
        </button>
      </div>
    </>
  );
}
