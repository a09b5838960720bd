// The shapes of the diagram. Each draws one element; none changes anything by itself.

import { createContext, memo, useContext } from "react";
import { Handle, NodeResizer, Position, type Node, type NodeProps } from "@xyflow/react";

import type { Element } from "../api/bindings/Element";
import type { ShapeKind } from "./elements";
import type { Rect } from "./geometry";
import { RenameInput } from "./RenameInput";
import { useUi } from "../state/ui";

export type ShapeData = { element: Element };
export type ShapeNode = Node<ShapeData, ShapeKind>;

/** What shapes ask of the canvas that holds them. */
export interface CanvasActions {
  resizeEnd: (id: string, rect: Rect) => void;
}

export const CanvasActionsContext = createContext<CanvasActions>({ resizeEnd: () => undefined });

const SIDES = [
  { id: "t", position: Position.Top },
  { id: "r", position: Position.Right },
  { id: "b", position: Position.Bottom },
  { id: "l", position: Position.Left },
];

function Label({ element, className }: { element: Element; className: string }) {
  const renaming = useUi((s) => s.renaming === element.id);
  if (renaming) return <RenameInput id={element.id} name={element.name} />;
  return (
    <div data-testid="node-label" className={className} title={element.name}>
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
      </div>
    </>
  );
});

export const nodeTypes = {
  external_entity: ElementShape,
  process: ElementShape,
  data_store: ElementShape,
  trust_boundary: BoundaryShape,
};
