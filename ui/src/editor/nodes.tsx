// The shapes of the diagram. Each draws one element; none changes anything by itself.

import { createContext, memo, useContext, type CSSProperties, type MouseEvent as ReactMouseEvent } from "react";
import { Handle, NodeResizer, Position, type Node, type NodeProps } from "@xyflow/react";

import type { Element } from "../api/bindings/Element";
import { Badges, type ElementAnnotation } from "./badges";
import type { ShapeKind } from "./elements";
import { polylinePath, type Point, type Rect } from "./geometry";
import { RenameInput } from "./RenameInput";
import { useUi } from "../state/ui";

/** A trust boundary drawn as a line rather than a region (as Threat Dragon draws them). */
export type NodeType = ShapeKind | "boundary_line";

/**
 * `line`: a line boundary's course, relative to the node's top-left corner. `annotation`:
 * what the badges show.
 */
export type ShapeData = { element: Element; line?: Point[]; annotation?: ElementAnnotation };
export type ShapeNode = Node<ShapeData, NodeType>;

/** What shapes ask of the canvas that holds them. */
export interface CanvasActions {
  resizeEnd: (id: string, rect: Rect) => void;
  /** Open the context menu for an element (its name was right-clicked). */
  openMenu: (event: ReactMouseEvent, id: string) => void;
}

export const CanvasActionsContext = createContext<CanvasActions>({ resizeEnd: () => undefined, openMenu: () => undefined });

const SIDES = [
  { id: "t", position: Position.Top },
  { id: "r", position: Position.Right },
  { id: "b", position: Position.Bottom },
  { id: "l", position: Position.Left },
];

function Label({ element, className, style }: { element: Element; className: string; style?: CSSProperties }) {
  const renaming = useUi((s) => s.renaming === element.id);
  const setRenaming = useUi((s) => s.setRenaming);
  if (renaming) return <RenameInput recordKey={{ kind: "element", id: element.id }} name={element.name} onDone={() => setRenaming(null)} />;
  return (
    <div data-testid="node-label" className={className} title={element.name} style={style}>
      {element.name}
    </div>
  );
}

/** External entity, process or data store: a DFD shape with handles to draw flows from. */
export const ElementShape = memo(function ElementShape({ data, selected, type }: NodeProps<ShapeNode>) {
  const { element } = data;
  return (
    <div
      data-testid="node"
      data-kind={type}
      data-id={element.id}
      className={`shape shape--${type}${selected ? " is-selected" : ""}${element.out_of_scope ? " is-out-of-scope" : ""}`}
    >
      <Label element={element} className="shape__label" />
      <Badges annotation={data.annotation} />
      {SIDES.map((side) => (
        <Handle key={side.id} id={side.id} type="source" position={side.position} className="shape__handle" />
      ))}
    </div>
  );
});

/** A trust boundary: a dashed region behind the shapes, resizable when selected. */
export const BoundaryShape = memo(function BoundaryShape({ id, data, selected }: NodeProps<ShapeNode>) {
  const { element } = data;
  const actions = useContext(CanvasActionsContext);
  return (
    <>
      <NodeResizer
        isVisible={selected}
        minWidth={80}
        minHeight={60}
        lineClassName="boundary__resize-line"
        handleClassName="boundary__resize-handle"
        onResizeEnd={(_, p) => actions.resizeEnd(id, { x: p.x, y: p.y, width: p.width, height: p.height })}
      />
      <div
        data-testid="node"
        data-kind="trust_boundary"
        data-id={element.id}
        className={`boundary${selected ? " is-selected" : ""}`}
      >
        <Label element={element} className="boundary__label" />
        <Badges annotation={data.annotation} />
      </div>
    </>
  );
});

/**
 * A trust boundary drawn as a dashed line with its name at its start. It is picked by its
 * line only, so that the shapes and the canvas around it stay reachable.
 */
const LineBoundaryShape = memo(function LineBoundaryShape({ data, selected }: NodeProps<ShapeNode>) {
  const { element, line = [] } = data;
  const path = polylinePath(line);
  const start = line[0] ?? { x: 0, y: 0 };
  return (
    <div data-testid="node" data-kind="trust_boundary" data-id={element.id} className={`boundary-line${selected ? " is-selected" : ""}`}>
      <svg className="boundary-line__svg" aria-hidden="true">
        <path className="boundary-line__hit" d={path} />
        <path className="boundary-line__path" d={path} />
      </svg>
      <Label element={element} className="boundary-line__label" style={{ left: start.x + 6, top: start.y + 4 }} />
      <Badges annotation={data.annotation} />
    </div>
  );
});

export const nodeTypes: { [T in NodeType]: typeof ElementShape } = {
  external_entity: ElementShape,
  process: ElementShape,
  data_store: ElementShape,
  trust_boundary: BoundaryShape,
  boundary_line: LineBoundaryShape,
};
