// The diagram canvas. Nodes and edges are derived from the mirrored document; while a shape
// is dragged or resized, React Flow's positions are held in a local overlay that is dropped
// once the engine's patch has arrived (or the engine refused the change).

import { useCallback, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent } from "react";
import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type OnNodeDrag,
} from "@xyflow/react";

import type { Document } from "../api/bindings/Document";
import type { Element } from "../api/bindings/Element";
import { apply } from "../state/actions";
import { useModel } from "../state/model";
import { useUi, type SelectChange } from "../state/ui";
import { connect } from "./commands";
import { isShapeKind, newId } from "./elements";
import { FlowEdge, type FlowEdgeType } from "./FlowEdge";
import { GRID, type Rect } from "./geometry";
import { moveOps } from "./moves";
import { CanvasActionsContext, nodeTypes, type CanvasActions, type ShapeNode } from "./nodes";
import { usePrefersDark } from "./usePrefersDark";

interface OverlayEntry {
  x: number;
  y: number;
  width?: number;
  height?: number;
  /** A dragged boundary carries its contents along on screen; a resized one does not. */
  mode: "drag" | "resize";
}

type Overlay = { [id: string]: OverlayEntry };

const edgeTypes = { flow: FlowEdge };

/** How far an element is shown away from its layout because a boundary holding it is being dragged. */
function carriedBy(doc: Document, overlay: Overlay, element: Element): { dx: number; dy: number } | null {
  let parent = element.parent;
  for (let depth = 0; parent && depth < 64; depth += 1) {
    const entry = overlay[parent];
    const layout = doc.layouts[parent];
    if (entry?.mode === "drag" && layout) return { dx: entry.x - layout.x, dy: entry.y - layout.y };
    parent = doc.elements[parent]?.parent ?? null;
  }
  return null;
}

/** The rectangle a shape is shown at: its layout, or where it is being dragged or resized. */
function shownRect(doc: Document, overlay: Overlay, element: Element): Rect | null {
  const layout = doc.layouts[element.id];
  if (!layout) return null;
  const entry = overlay[element.id];
  if (entry) {
    return { x: entry.x, y: entry.y, width: entry.width ?? layout.width, height: entry.height ?? layout.height };
  }
  const carried = carriedBy(doc, overlay, element);
  if (carried) return { ...layout, x: layout.x + carried.dx, y: layout.y + carried.dy };
  return layout;
}

export function deriveNodes(
  doc: Document,
  diagram: string,
  selection: ReadonlySet<string>,
  overlay: Overlay,
  cache: Map<string, ShapeNode>,
): ShapeNode[] {
  const elements = Object.values(doc.elements).filter((e) => e.diagram === diagram && isShapeKind(e.properties.kind));
  // Bigger boundaries further back, so that a nested one stays reachable; all behind flows and shapes.
  const boundaries = elements
    .filter((e) => e.properties.kind === "trust_boundary")
    .map((e) => ({ id: e.id, area: (doc.layouts[e.id]?.width ?? 0) * (doc.layouts[e.id]?.height ?? 0) }))
    .sort((a, b) => b.area - a.area || a.id.localeCompare(b.id));
  const depth = new Map(boundaries.map((b, i) => [b.id, -1000 + i]));

  const nodes: ShapeNode[] = [];
  for (const element of elements) {
    const rect = shownRect(doc, overlay, element);
    const kind = element.properties.kind;
    if (!rect || !isShapeKind(kind)) continue;
    const selected = selection.has(element.id);
    const zIndex = depth.get(element.id) ?? 0;
    const previous = cache.get(element.id);
    if (
      previous &&
      previous.data.element === element &&
      previous.selected === selected &&
      previous.zIndex === zIndex &&
      previous.position.x === rect.x &&
      previous.position.y === rect.y &&
      previous.width === rect.width &&
      previous.height === rect.height
    ) {
      nodes.push(previous);
      continue;
    }
    const node: ShapeNode = {
      id: element.id,
      type: kind,
      position: { x: rect.x, y: rect.y },
      width: rect.width,
      height: rect.height,
      measured: { width: rect.width, height: rect.height },
      data: { element },
      selected,
      zIndex,
      className: `node--${kind}`,
    };
    nodes.push(node);
  }
  cache.clear();
  for (const n of nodes) cache.set(n.id, n);
  return nodes;
}

export function deriveEdges(doc: Document, diagram: string, selection: ReadonlySet<string>, nodeIds: ReadonlySet<string>, dark: boolean): FlowEdgeType[] {
  const flows: { element: Element; source: string; target: string }[] = [];
  for (const element of Object.values(doc.elements)) {
    const p = element.properties;
    if (element.diagram !== diagram || p.kind !== "data_flow") continue;
    if (!p.source || !p.target || !nodeIds.has(p.source) || !nodeIds.has(p.target)) continue;
    flows.push({ element, source: p.source, target: p.target });
  }
  // Flows between the same two shapes bend apart.
  const pairs = new Map<string, string[]>();
  for (const f of flows) {
    const key = [f.source, f.target].sort().join("|");
    pairs.set(key, [...(pairs.get(key) ?? []), f.element.id]);
  }
  const normal = dark ? "#94a3b8" : "#64748b";
  const accent = dark ? "#60a5fa" : "#2563eb";
  return flows.map(({ element, source, target }) => {
    const group = (pairs.get([source, target].sort().join("|")) ?? []).sort();
    const index = group.indexOf(element.id);
    const spread = (index - (group.length - 1) / 2) * 50;
    const bend = source < target ? spread : -spread;
    const selected = selection.has(element.id);
    const marker = { type: MarkerType.ArrowClosed, width: 18, height: 18, color: selected ? accent : normal };
    const bidirectional = element.properties.kind === "data_flow" && element.properties.bidirectional;
    return {
      id: element.id,
      type: "flow" as const,
      source,
      target,
      selected,
      markerEnd: marker,
      ...(bidirectional ? { markerStart: marker } : {}),
      // Names of flows sharing a pair of shapes sit nearer their sources, so they do not overlap.
      data: { element, bend, labelAt: group.length > 1 ? 0.4 : 0.5 },
      domAttributes: { "data-testid": "edge", "data-kind": "data_flow" } as Record<string, string>,
    };
  });
}

export function Canvas({ doc, diagram }: { doc: Document; diagram: string }) {
  const selection = useUi((s) => s.selection);
  const changeSelection = useUi((s) => s.changeSelection);
  const setSelection = useUi((s) => s.setSelection);
  const setRenaming = useUi((s) => s.setRenaming);
  const dark = usePrefersDark();
  const [overlay, setOverlay] = useState<Overlay>({});
  // Fit an opened diagram into view once; an empty one keeps the plain view, so that the
  // first shape added does not make the view jump.
  const [fitOnOpen] = useState(() => Object.values(doc.layouts).length > 0);
  const cache = useRef(new Map<string, ShapeNode>());

  const selected = useMemo(() => new Set(selection), [selection]);
  const nodes = useMemo(() => deriveNodes(doc, diagram, selected, overlay, cache.current), [doc, diagram, selected, overlay]);
  const nodeIds = useMemo(() => new Set(nodes.map((n) => n.id)), [nodes]);
  const edges = useMemo(() => deriveEdges(doc, diagram, selected, nodeIds, dark), [doc, diagram, selected, nodeIds, dark]);

  const drop = useCallback((ids: Iterable<string>) => {
    setOverlay((prev) => {
      const next = { ...prev };
      for (const id of ids) delete next[id];
      return next;
    });
  }, []);

  const onNodesChange = useCallback(
    (changes: NodeChange<ShapeNode>[]) => {
      const select: SelectChange[] = [];
      const moves: { id: string; x?: number; y?: number; width?: number; height?: number; dragging: boolean }[] = [];
      for (const change of changes) {
        if (change.type === "select") select.push({ id: change.id, selected: change.selected });
        else if (change.type === "position" && change.position) {
          moves.push({ id: change.id, x: change.position.x, y: change.position.y, dragging: change.dragging === true });
        } else if (change.type === "dimensions" && change.dimensions && change.setAttributes) {
          moves.push({ id: change.id, width: change.dimensions.width, height: change.dimensions.height, dragging: false });
        }
        // "remove", "add" and "replace" are ignored: the model changes only through the engine.
      }
      if (select.length) changeSelection(select);
      if (moves.length) {
        setOverlay((prev) => {
          const next = { ...prev };
          for (const m of moves) {
            const layout = doc.layouts[m.id];
            if (!layout) continue;
            const before = next[m.id] ?? { x: layout.x, y: layout.y, mode: m.dragging ? "drag" : "resize" };
            next[m.id] = {
              ...before,
              ...(m.x !== undefined && m.y !== undefined ? { x: m.x, y: m.y } : {}),
              ...(m.width !== undefined ? { width: m.width } : {}),
              ...(m.height !== undefined ? { height: m.height } : {}),
            };
          }
          return next;
        });
      }
    },
    [changeSelection, doc],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdgeType>[]) => {
      const select: SelectChange[] = [];
      for (const change of changes) if (change.type === "select") select.push({ id: change.id, selected: change.selected });
      if (select.length) changeSelection(select);
    },
    [changeSelection],
  );

  /** One `translate` for the whole drag, plus a `reparent` (same undo step) for shapes now in another boundary. */
  const onDragStop: OnNodeDrag<ShapeNode> = useCallback(
    (_event, _node, dragged) => {
      const moved = dragged.filter((n) => doc.layouts[n.id]);
      const first = moved[0];
      const firstLayout = first && doc.layouts[first.id];
      if (!first || !firstLayout) return;
      const ids = moved.map((n) => n.id);
      const ops = moveOps(doc, diagram, ids, first.position.x - firstLayout.x, first.position.y - firstLayout.y);
      if (ops.length === 0) {
        drop(ids);
        return;
      }
      const key = newId();
      void (async () => {
        for (const op of ops) if (!(await apply(op, key))) break;
        drop(ids);
      })();
    },
    [doc, diagram, drop],
  );

  const actions: CanvasActions = useMemo(
    () => ({
      resizeEnd: (id, rect) => {
        void (async () => {
          // The whole record is replaced: keep what the layout has besides its rectangle.
          await apply(() => {
            const layout = useModel.getState().model?.document.layouts[id];
            return layout ? { op: "put", records: [{ type: "layout", value: { ...layout, ...rect } }] } : null;
          });
          drop([id]);
        })();
      },
    }),
    [drop],
  );

  const onConnect = useCallback((c: Connection) => {
    if (c.source && c.target && c.source !== c.target) void connect(c.source, c.target);
  }, []);

  /** A flow dropped on a shape's body rather than on one of its handles still connects. */
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.fromNode) return;
      const point = "changedTouches" in event ? event.changedTouches[0] : event;
      if (!point) return;
      const hit = document.elementFromPoint(point.clientX, point.clientY)?.closest(".react-flow__node");
      const target = hit?.getAttribute("data-id");
      const kind = target ? doc.elements[target]?.properties.kind : undefined;
      if (!target || target === state.fromNode.id || !kind || kind === "trust_boundary" || kind === "data_flow") return;
      void connect(state.fromNode.id, target);
    },
    [doc],
  );

  return (
    <CanvasActionsContext.Provider value={actions}>
      <ReactFlow<ShapeNode, FlowEdgeType>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onNodeDragStop={onDragStop}
        onSelectionDragStop={(e: ReactMouseEvent, dragged: ShapeNode[]) => {
          if (dragged[0]) onDragStop(e.nativeEvent, dragged[0], dragged);
        }}
        onConnect={onConnect}
        onConnectEnd={onConnectEnd}
        onNodeDoubleClick={(_, node) => setRenaming(node.id)}
        onEdgeDoubleClick={(_, edge) => setRenaming(edge.id)}
        onPaneClick={() => setSelection([])}
        connectionMode={ConnectionMode.Loose}
        deleteKeyCode={null}
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        disableKeyboardA11y
        zoomOnDoubleClick={false}
        elevateNodesOnSelect={false}
        zIndexMode="manual"
        snapToGrid
        snapGrid={[GRID, GRID]}
        minZoom={0.2}
        maxZoom={3}
        fitView={fitOnOpen}
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        colorMode={dark ? "dark" : "light"}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID * 2} size={1} />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap
          pannable
          zoomable
          position="bottom-right"
          className="minimap"
          nodeClassName={(n) => `minimap-node--${n.type ?? "shape"}`}
          nodeColor=""
          nodeStrokeColor=""
        />
      </ReactFlow>
    </CanvasActionsContext.Provider>
  );
}
