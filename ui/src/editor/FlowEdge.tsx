// A data flow: a line from the outline of one shape to the outline of the other (through
// its bend points, if it has any), with an arrowhead at the target (and at the source too
// when the flow goes both ways).

import { memo, useContext } from "react";
import { BaseEdge, EdgeLabelRenderer, useInternalNode, type Edge, type EdgeProps, type InternalNode } from "@xyflow/react";

import type { Element } from "../api/bindings/Element";
import { Badges, hasBadges, type ElementAnnotation } from "./badges";
import { bentFlowPath, flowPath, type Outline, type Point, type Rect } from "./geometry";
import { CanvasActionsContext } from "./nodes";
import { RenameInput } from "./RenameInput";
import { useUi } from "../state/ui";

/**
 * `bends`: the flow's own bend points (absolute). Without them, `bend` curves the flow
 * sideways (px) and `labelAt` is where along it the name sits (0..1).
 */
export type FlowData = { element: Element; bends: Point[]; bend: number; labelAt: number; annotation: ElementAnnotation | undefined };
export type FlowEdgeType = Edge<FlowData, "flow">;

function shapeOf(node: InternalNode): { rect: Rect; outline: Outline } {
  const { x, y } = node.internals.positionAbsolute;
  const width = node.measured.width ?? node.width ?? 0;
  const height = node.measured.height ?? node.height ?? 0;
  return { rect: { x, y, width, height }, outline: node.type === "process" ? "ellipse" : "rect" };
}

export const FlowEdge = memo(function FlowEdge({ id, source, target, data, markerEnd, markerStart, selected }: EdgeProps<FlowEdgeType>) {
  const from = useInternalNode(source);
  const to = useInternalNode(target);
  const renaming = useUi((s) => s.renaming === id);
  const setRenaming = useUi((s) => s.setRenaming);
  const setSelection = useUi((s) => s.setSelection);
  const changeSelection = useUi((s) => s.changeSelection);
  const actions = useContext(CanvasActionsContext);
  if (!from || !to || !data) return null;
  const { path, label } =
    data.bends.length > 0 ? bentFlowPath(shapeOf(from), shapeOf(to), data.bends) : flowPath(shapeOf(from), shapeOf(to), data.bend, data.labelAt);
  const name = data.element.name;
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} markerStart={markerStart} interactionWidth={16} className="flow__path" />
      <EdgeLabelRenderer>
        <div
          className={`flow__label nodrag nopan${selected ? " is-selected" : ""}${name || renaming || hasBadges(data.annotation) ? "" : " is-empty"}`}
          style={{ transform: `translate(-50%, -50%) translate(${label.x}px, ${label.y}px)` }}
          onClick={(e) => {
            if (e.shiftKey || e.metaKey || e.ctrlKey) changeSelection([{ id, selected: !selected }]);
            else setSelection([id]);
          }}
          onDoubleClick={(e) => {
            e.stopPropagation();
            setRenaming(id);
          }}
          onContextMenu={(e) => actions.openMenu(e, id)}
        >
          {renaming ? (
            <RenameInput recordKey={{ kind: "element", id }} name={name} className="flow__input" onDone={() => setRenaming(null)} />
          ) : (
            name && (
              <span data-testid="edge-label" data-id={id} title={name}>
                {name}
              </span>
            )
          )}
          <Badges annotation={data.annotation} />
        </div>
      </EdgeLabelRenderer>
    </>
  );
});

export const edgeTypes = { flow: FlowEdge };
