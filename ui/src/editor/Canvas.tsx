// The diagram canvas. Nodes and edges are derived from the mirrored document; while a shape
// is dragged or resized, React Flow's positions are held in a local overlay that is dropped
// once the engine's patch has arrived (or the engine refused the change).

import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent as ReactMouseEvent } from "react";
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
  useKeyPress,
  useReactFlow,
  useStore,
} from "@xyflow/react";

import type { Document } from "../api/bindings/Document";
import type { Element } from "../api/bindings/Element";
import type { Layout } from "../api/bindings/Layout";
import type { Point } from "../api/bindings/Point";
import { MenuList } from "../components/Menu";
import { apply, applySteps } from "../state/actions";
import { useModel } from "../state/model";
import { useUi, type SelectChange } from "../state/ui";
import type { Annotations } from "./badges";
import { connect } from "./commands";
import { contextMenuEntries } from "./contextMenu";
import { isLine, isShapeKind } from "./elements";
import { edgeTypes, type FlowEdgeType } from "./FlowEdge";
import { center, GRID, type Rect } from "./geometry";
import type { ViewCommands } from "./keymap";
import { moveOps } from "./moves";
import { CanvasActionsContext, nodeTypes, type CanvasActions, type ShapeNode } from "./nodes";
import { isBig, Overview, shapeAt, usesOverview } from "./Overview";
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

/**
 * How the view fits a diagram: on opening it, and on "Fit". Shapes hidden from React Flow
 * while a big diagram is drawn as an overview count too.
 */
export const FIT_VIEW = { padding: 0.1, maxZoom: 1, includeHiddenNodes: true };
/** Low enough to fit a few thousand shapes in the window. */
const MIN_ZOOM = 0.02;

/** The point at the middle of an element: a shape's centre, a flow's midpoint. */
function middleOf(doc: Document, id: string): { x: number; y: number } | null {
  const e = doc.elements[id];
  const layout = doc.layouts[id];
  if (e?.properties.kind === "data_flow") {
    const s = e.properties.source ? doc.layouts[e.properties.source] : undefined;
    const t = e.properties.target ? doc.layouts[e.properties.target] : undefined;
    if (!s || !t) return null;
    const a = center(s);
    const b = center(t);
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  }
  return layout ? center(layout) : null;
}

const relativeLines = new WeakMap<Layout, Point[]>();

/** A line boundary's course relative to its layout's corner, the same array while the layout is. */
function relativeLine(layout: Layout & { points: Point[] }): Point[] {
  let line = relativeLines.get(layout);
  if (!line) {
    line = layout.points.map((p) => ({ x: p.x - layout.x, y: p.y - layout.y }));
    relativeLines.set(layout, line);
  }
  return line;
}

export function deriveNodes(
  doc: Document,
  diagram: string,
  selection: ReadonlySet<string>,
  overlay: Overlay,
  cache: Map<string, ShapeNode>,
  annotations?: Annotations,
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
    const layout = doc.layouts[element.id];
    const line = isLine(layout) ? relativeLine(layout) : undefined;
    const type = line ? "boundary_line" : kind;
    const selected = selection.has(element.id);
    const zIndex = depth.get(element.id) ?? 0;
    const annotation = annotations?.get(element.id);
    const previous = cache.get(element.id);
    if (
      previous &&
      previous.data.element === element &&
      previous.data.line === line &&
      previous.data.annotation === annotation &&
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
      type,
      position: { x: rect.x, y: rect.y },
      width: rect.width,
      height: rect.height,
      measured: { width: rect.width, height: rect.height },
      data: { element, ...(line && { line }), ...(annotation && { annotation }) },
      selected,
      zIndex,
      className: `node--${type}`,
    };
    nodes.push(node);
  }
  cache.clear();
  for (const n of nodes) cache.set(n.id, n);
  return nodes;
}

const NO_BENDS: Point[] = [];

/**
 * The edges of the flows of `diagram` between shapes in `nodeIds`. `cache` holds the edges of
 * the previous call: an edge whose flow, ends and looks are unchanged is reused as it was, so
 * that React Flow redraws only what an edit changed.
 */
export function deriveEdges(
  doc: Document,
  diagram: string,
  selection: ReadonlySet<string>,
  nodeIds: ReadonlySet<string>,
  dark: boolean,
  cache: Map<string, FlowEdgeType> = new Map(),
  annotations?: Annotations,
): FlowEdgeType[] {
  const flows: { element: Element; source: string; target: string; pair: string }[] = [];
  // Flows between the same two shapes bend apart: the flows of each pair of shapes, by id.
  const pairs = new Map<string, string[]>();
  for (const element of Object.values(doc.elements)) {
    const p = element.properties;
    if (element.diagram !== diagram || p.kind !== "data_flow") continue;
    if (!p.source || !p.target || !nodeIds.has(p.source) || !nodeIds.has(p.target)) continue;
    const pair = p.source < p.target ? `${p.source}|${p.target}` : `${p.target}|${p.source}`;
    flows.push({ element, source: p.source, target: p.target, pair });
    const group = pairs.get(pair);
    if (group) group.push(element.id);
    else pairs.set(pair, [element.id]);
  }
  for (const group of pairs.values()) if (group.length > 1) group.sort();
  const normal = dark ? "#94a3b8" : "#64748b";
  const accent = dark ? "#60a5fa" : "#2563eb";
  const edges = flows.map(({ element, source, target, pair }): FlowEdgeType => {
    const group = pairs.get(pair)!;
    const index = group.indexOf(element.id);
    const spread = (index - (group.length - 1) / 2) * 50;
    const bend = source < target ? spread : -spread;
    const bends = doc.layouts[element.id]?.points ?? NO_BENDS;
    const labelAt = group.length > 1 ? 0.4 : 0.5;
    const selected = selection.has(element.id);
    const annotation = annotations?.get(element.id);
    const colour = selected ? accent : normal;
    const previous = cache.get(element.id);
    if (
      previous?.data &&
      previous.data.element === element &&
      previous.data.bend === bend &&
      previous.data.bends === bends &&
      previous.data.labelAt === labelAt &&
      previous.data.annotation === annotation &&
      previous.selected === selected &&
      (previous.markerEnd as { color?: string }).color === colour
    ) {
      return previous;
    }
    const marker = { type: MarkerType.ArrowClosed, width: 18, height: 18, color: colour };
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
      data: { element, bend, bends, labelAt, annotation },
      domAttributes: { "data-testid": "edge", "data-kind": "data_flow" } as Record<string, string>,
    };
  });
  cache.clear();
  for (const e of edges) cache.set(e.id, e);
  return edges;
}

const NO_EDGES: FlowEdgeType[] = [];
const hiddenCopies = new WeakMap<ShapeNode, ShapeNode>();

/** `node` hidden from React Flow, the same object while `node` is (so React Flow skips it). */
function hidden(node: ShapeNode): ShapeNode {
  let copy = hiddenCopies.get(node);
  if (!copy) {
    copy = { ...node, hidden: true };
    hiddenCopies.set(node, copy);
  }
  return copy;
}

interface CanvasProps {
  doc: Document;
  diagram: string;
  view: ViewCommands;
  /** Threat and finding counts to show as badges, by element id (from the engine's analysis). */
  annotations?: Annotations;
}

export function Canvas({ doc, diagram, view, annotations }: CanvasProps) {
  const selection = useUi((s) => s.selection);
  const focus = useUi((s) => s.focus);
  const fitRequests = useUi((s) => s.fitRequests);
  const clipboard = useUi((s) => s.clipboard);
  const flow = useReactFlow();
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  // While Shift is down a drag draws a selection box, also over a boundary's inside.
  const boxSelecting = useKeyPress("Shift");
  const changeSelection = useUi((s) => s.changeSelection);
  const setSelection = useUi((s) => s.setSelection);
  const setRenaming = useUi((s) => s.setRenaming);
  const dark = usePrefersDark();
  const [overlay, setOverlay] = useState<Overlay>({});
  // Fit an opened diagram into view once; an empty one keeps the plain view, so that the
  // first shape added does not make the view jump. An element found by name is centred instead.
  const [fitOnOpen] = useState(
    () => Object.values(doc.elements).some((e) => e.diagram === diagram && doc.layouts[e.id]) && !(focus && doc.elements[focus.id]?.diagram === diagram),
  );
  const cache = useRef(new Map<string, ShapeNode>());
  const edgeCache = useRef(new Map<string, FlowEdgeType>());

  const selected = useMemo(() => new Set(selection), [selection]);
  const nodes = useMemo(() => deriveNodes(doc, diagram, selected, overlay, cache.current, annotations), [doc, diagram, selected, overlay, annotations]);
  const nodeIds = useMemo(() => new Set(nodes.map((n) => n.id)), [nodes]);
  const edges = useMemo(
    () => deriveEdges(doc, diagram, selected, nodeIds, dark, edgeCache.current, annotations),
    [doc, diagram, selected, nodeIds, dark, annotations],
  );
  const big = isBig(nodes.length + edges.length);
  // Zoomed out on a big diagram, the overview draws it and React Flow renders none of it.
  const overview = useStore((s) => usesOverview(s.transform[2], nodes.length + edges.length));
  const flowNodes = useMemo(() => (overview ? nodes.map(hidden) : nodes), [overview, nodes]);

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
      void applySteps(ops).finally(() => drop(ids));
    },
    [doc, diagram, drop],
  );

  /** Right-click: the menu for what is under the pointer, selected first if it was not. */
  const openMenu = useCallback(
    (event: MouseEvent | ReactMouseEvent, id: string | null) => {
      event.preventDefault();
      if (id && !useUi.getState().selection.includes(id)) setSelection([id]);
      setMenu({ x: event.clientX, y: event.clientY });
    },
    [setSelection],
  );

  const actions: CanvasActions = useMemo(
    () => ({
      openMenu,
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
    [drop, openMenu],
  );

  // Bring an element found by name into the middle of the view.
  useEffect(() => {
    if (!focus) return;
    const at = middleOf(useModel.getState().model?.document ?? doc, focus.id);
    if (at) void flow.setCenter(at.x, at.y, { zoom: Math.max(flow.getZoom(), 0.8), duration: 250 });
    // Only a new request moves the view, not every change of the document: `doc` is left out.
  }, [focus, flow]);

  // Runs after React Flow has taken the nodes of the same render, so a new layout is what
  // fits. Requests made before this diagram was shown are not for it.
  const fitsDone = useRef(fitRequests);
  useEffect(() => {
    if (fitRequests === fitsDone.current) return;
    fitsDone.current = fitRequests;
    void flow.fitView({ ...FIT_VIEW, duration: 300 });
  }, [fitRequests, flow]);

  /** In the overview, a click on a shape selects it and zooms in on it, where it can be edited. */
  const zoomInOn = useCallback(
    (e: ReactMouseEvent) => {
      const hit = shapeAt(nodes, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
      setSelection(hit ? [hit.id] : []);
      if (hit) void flow.setCenter(hit.position.x + (hit.width ?? 0) / 2, hit.position.y + (hit.height ?? 0) / 2, { zoom: 1, duration: 250 });
    },
    [flow, nodes, setSelection],
  );

  /** A selection box takes the flows between the shapes it takes, not those leaving them. */
  const keepFlowsBetweenSelected = useCallback(() => {
    const { selection } = useUi.getState();
    const chosen = new Set(selection);
    const kept = selection.filter((id) => {
      const p = doc.elements[id]?.properties;
      return p?.kind !== "data_flow" || (p.source !== null && p.target !== null && chosen.has(p.source) && chosen.has(p.target));
    });
    if (kept.length !== selection.length) setSelection(kept);
  }, [doc, setSelection]);

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
        nodes={flowNodes}
        edges={overview ? NO_EDGES : edges}
        // On a big diagram only what is in view is mounted: React Flow re-checks every mounted shape and flow each frame.
        onlyRenderVisibleElements={big}
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
        onSelectionEnd={keepFlowsBetweenSelected}
        onPaneClick={(e) => {
          if (overview) zoomInOn(e);
          else if (!e.shiftKey && !e.ctrlKey && !e.metaKey) setSelection([]);
        }}
        onNodeContextMenu={(e, node) => openMenu(e, node.id)}
        onEdgeContextMenu={(e, edge) => openMenu(e, edge.id)}
        onSelectionContextMenu={(e) => openMenu(e, null)}
        onPaneContextMenu={(e) => {
          setSelection([]);
          openMenu(e, null);
        }}
        connectionMode={ConnectionMode.Loose}
        deleteKeyCode={null}
        multiSelectionKeyCode={["Meta", "Control", "Shift"]}
        disableKeyboardA11y
        zoomOnDoubleClick={false}
        elevateNodesOnSelect={false}
        zIndexMode="manual"
        snapToGrid
        snapGrid={[GRID, GRID]}
        minZoom={MIN_ZOOM}
        maxZoom={3}
        fitView={fitOnOpen}
        fitViewOptions={FIT_VIEW}
        colorMode={dark ? "dark" : "light"}
        className={[boxSelecting && "is-box-selecting", big && "is-big"].filter(Boolean).join(" ")}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID * 2} size={1} />
        <Controls showInteractive={false} position="bottom-left" />
        {overview && <Overview nodes={nodes} edges={edges} dark={dark} />}
        {/* A big diagram has no minimap: it would redraw thousands of shapes on every frame
            (zooming out to the overview shows the whole diagram instead). */}
        {!big && (
          <MiniMap
            pannable
            zoomable
            position="bottom-right"
            className="minimap"
            nodeClassName={(n) => `minimap-node--${n.type ?? "shape"}`}
            nodeColor=""
            nodeStrokeColor=""
          />
        )}
      </ReactFlow>
      {menu && (
        <MenuList
          label="Diagram commands"
          testId="context-menu"
          at={menu}
          entries={contextMenuEntries(doc, diagram, selection, clipboard, view)}
          onClose={() => setMenu(null)}
        />
      )}
    </CanvasActionsContext.Provider>
  );
}
