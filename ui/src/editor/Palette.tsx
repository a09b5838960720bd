// The four kinds of shape. Click one to add it at a free spot of the visible canvas, or drag
// it onto the canvas to add it where it is dropped. Dragging uses pointer events, not HTML
// drag-and-drop, which the desktop webview may reserve for dropping files.

import { useRef, useState, type PointerEvent as ReactPointerEvent, type RefObject } from "react";
import { useReactFlow } from "@xyflow/react";

import { addShape } from "./commands";
import { DEFAULT_SIZES, KIND_LABELS, SHAPE_KINDS, type ShapeKind } from "./elements";
import { freeSpot, snap, type Rect } from "./geometry";

const HINTS: { [K in ShapeKind]: string } = {
  external_entity: "A person or system outside your control",
  process: "Code that handles data",
  data_store: "Where data rests: database, file, queue",
  trust_boundary: "Where the level of trust changes",
};

interface Drag {
  kind: ShapeKind;
  pointerId: number;
  startX: number;
  startY: number;
  moved: boolean;
}

let added = 0;

export function Palette({ canvasRef }: { canvasRef: RefObject<HTMLDivElement | null> }) {
  const flow = useReactFlow();
  const drag = useRef<Drag | null>(null);
  const suppressClick = useRef(false);
  const [ghost, setGhost] = useState<{ kind: ShapeKind; x: number; y: number; over: boolean } | null>(null);

  const overCanvas = (x: number, y: number): boolean => {
    const r = canvasRef.current?.getBoundingClientRect();
    return !!r && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom;
  };

  /** Add at a free spot of the visible part of the canvas. */
  const addInView = (kind: ShapeKind) => {
    const box = canvasRef.current?.getBoundingClientRect();
    if (!box) return;
    const topLeft = flow.screenToFlowPosition({ x: box.left, y: box.top });
    const bottomRight = flow.screenToFlowPosition({ x: box.right, y: box.bottom });
    const visible: Rect = { x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y };
    const nth = added++;
    void addShape(kind, (doc, diagram) => {
      const occupied = Object.values(doc.elements)
        .filter((e) => e.diagram === diagram)
        .flatMap((e) => (doc.layouts[e.id] ? [doc.layouts[e.id]!] : []));
      const size = DEFAULT_SIZES[kind];
      const at = freeSpot(visible, occupied, size, nth);
      return { at, probe: { x: at.x + size.width / 2, y: at.y + size.height / 2 } };
    });
  };

  /** Add centred on a point of the screen. */
  const addAt = (kind: ShapeKind, clientX: number, clientY: number) => {
    const probe = flow.screenToFlowPosition({ x: clientX, y: clientY });
    const size = DEFAULT_SIZES[kind];
    const at = { x: snap(probe.x - size.width / 2), y: snap(probe.y - size.height / 2) };
    void addShape(kind, () => ({ at, probe }));
  };

  const onPointerDown = (kind: ShapeKind) => (e: ReactPointerEvent<HTMLButtonElement>) => {
    if (e.button !== 0) return;
    drag.current = { kind, pointerId: e.pointerId, startX: e.clientX, startY: e.clientY, moved: false };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };

  const onPointerMove = (e: ReactPointerEvent<HTMLButtonElement>) => {
    const d = drag.current;
    if (!d || d.pointerId !== e.pointerId) return;
    if (!d.moved && Math.hypot(e.clientX - d.startX, e.clientY - d.startY) < 5) return;
    d.moved = true;
    setGhost({ kind: d.kind, x: e.clientX, y: e.clientY, over: overCanvas(e.clientX, e.clientY) });
  };

  const onPointerUp = (e: ReactPointerEvent<HTMLButtonElement>) => {
    const d = drag.current;
    drag.current = null;
    setGhost(null);
    if (!d || d.pointerId !== e.pointerId || !d.moved) return;
    suppressClick.current = true;
    if (overCanvas(e.clientX, e.clientY)) addAt(d.kind, e.clientX, e.clientY);
  };

  const onPointerCancel = () => {
    drag.current = null;
    setGhost(null);
  };

  return (
    <aside className="palette" aria-label="Shapes">
      <h2 className="palette__title">Add</h2>
      <ul className="palette__list">
        {SHAPE_KINDS.map((kind) => (
          <li key={kind}>
            <button
              type="button"
              className="palette__item"
              data-testid={`palette-${kind}`}
              title={`${HINTS[kind]}. Click to add, or drag onto the canvas.`}
              onClick={() => {
                if (suppressClick.current) {
                  suppressClick.current = false;
                  return;
                }
                addInView(kind);
              }}
              // A click does not take the focus, so that Enter or F2 then renames the new shape.
              onMouseDown={(e) => e.preventDefault()}
              onPointerDown={onPointerDown(kind)}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={onPointerCancel}
            >
              <span className={`palette__icon palette__icon--${kind}`} aria-hidden="true" />
              <span className="palette__label">{KIND_LABELS[kind]}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="palette__hint">Drag from a shape’s edge to another shape to draw a data flow.</p>
      {ghost && (
        <div
          className={`palette__ghost palette__icon--${ghost.kind}${ghost.over ? " is-over" : ""}`}
          style={{ left: ghost.x, top: ghost.y }}
          aria-hidden="true"
        />
      )}
    </aside>
  );
}
