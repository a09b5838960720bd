// Level of detail for big diagrams. Zoomed out, a diagram with thousands of elements is drawn
// in one <canvas>: boundaries, shapes and flows without names, handles or badges, which are
// unreadable at that size anyway. React Flow then renders none of them, because it re-checks
// every mounted shape and flow on each frame of a pan or zoom (issue 4's scale target; see
// BENCHMARKS.md, "Canvas at scale"). Zoom in past OVERVIEW_ZOOM and the editable shapes come back.

import { useEffect, useMemo, useRef } from "react";
import { useStoreApi } from "@xyflow/react";

import type { FlowEdgeType } from "./FlowEdge";
import type { ShapeNode } from "./nodes";

/** Below this zoom a big diagram is drawn as an overview. Names are ~6 px high there. */
const OVERVIEW_ZOOM = 0.5;
/** Diagrams with more shapes and flows than this are big; smaller ones are always drawn in full. */
const BIG_DIAGRAM = 300;

export function isBig(elements: number): boolean {
  return elements > BIG_DIAGRAM;
}

export function usesOverview(zoom: number, elements: number): boolean {
  return zoom < OVERVIEW_ZOOM && isBig(elements);
}

type Box = { x: number; y: number; width: number; height: number };

/** The colours of the DFD shapes, from the theme's CSS variables (light or dark). */
function themeColours(element: HTMLElement) {
  const style = getComputedStyle(element);
  const v = (name: string) => style.getPropertyValue(name).trim();
  return {
    process: { fill: v("--process-fill"), stroke: v("--process-stroke") },
    external_entity: { fill: v("--entity-fill"), stroke: v("--entity-stroke") },
    data_store: { fill: v("--store-fill"), stroke: v("--store-stroke") },
    boundary: { fill: v("--boundary-fill"), stroke: v("--boundary-stroke") },
    flow: v("--faint"),
    selection: v("--selection"),
  };
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The box around `points`, at least `min` wide and high (a straight line has no area). */
function boundsOf(points: { x: number; y: number }[], min: number): Box {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    left = Math.min(left, p.x);
    top = Math.min(top, p.y);
    right = Math.max(right, p.x);
    bottom = Math.max(bottom, p.y);
  }
  return { x: left, y: top, width: Math.max(right - left, min), height: Math.max(bottom - top, min) };
}

function box(node: ShapeNode): Box {
  return { x: node.position.x, y: node.position.y, width: node.width ?? 0, height: node.height ?? 0 };
}

/**
 * The shape under `point` (flow coordinates): the smallest that contains it, so a shape wins
 * over the boundary around it. The overview draws no React Flow shapes to click, so a click
 * there is hit-tested against the model's boxes.
 */
export function shapeAt(nodes: ShapeNode[], point: { x: number; y: number }): ShapeNode | null {
  let best: ShapeNode | null = null;
  let bestArea = Infinity;
  for (const node of nodes) {
    const b = box(node);
    const area = b.width * b.height;
    if (point.x >= b.x && point.x <= b.x + b.width && point.y >= b.y && point.y <= b.y + b.height && area < bestArea) {
      best = node;
      bestArea = area;
    }
  }
  return best;
}

/**
 * Draw `nodes` and `edges` seen through `view` (flow coordinates). Flows run between shape
 * centres (shapes are drawn over their ends) and through their bend points; lines keep one
 * screen pixel whatever the zoom. One path per colour, so thousands of items are a few calls.
 */
function paint(
  ctx: CanvasRenderingContext2D,
  colours: ReturnType<typeof themeColours>,
  byId: Map<string, ShapeNode>,
  layers: { boundaries: ShapeNode[]; shapes: ShapeNode[] },
  edges: FlowEdgeType[],
  view: Box,
  zoom: number,
) {
  const px = 1 / zoom;
  ctx.lineWidth = px;

  ctx.setLineDash([6 * px, 4 * px]);
  for (const node of layers.boundaries) {
    const b = box(node);
    if (!overlaps(b, view)) continue;
    if (node.data.line) {
      ctx.beginPath();
      node.data.line.forEach((p, i) => (i === 0 ? ctx.moveTo(b.x + p.x, b.y + p.y) : ctx.lineTo(b.x + p.x, b.y + p.y)));
    } else {
      ctx.fillStyle = colours.boundary.fill;
      ctx.fillRect(b.x, b.y, b.width, b.height);
      ctx.beginPath();
      ctx.rect(b.x, b.y, b.width, b.height);
    }
    ctx.strokeStyle = node.selected ? colours.selection : colours.boundary.stroke;
    ctx.stroke();
  }
  ctx.setLineDash([]);

  const plain = new Path2D();
  const selected = new Path2D();
  for (const edge of edges) {
    const from = byId.get(edge.source);
    const to = byId.get(edge.target);
    if (!from || !to) continue;
    const a = box(from);
    const b = box(to);
    const points = [{ x: a.x + a.width / 2, y: a.y + a.height / 2 }, ...(edge.data?.bends ?? []), { x: b.x + b.width / 2, y: b.y + b.height / 2 }];
    if (!overlaps(boundsOf(points, px), view)) continue;
    const path = edge.selected ? selected : plain;
    points.forEach((p, i) => (i === 0 ? path.moveTo(p.x, p.y) : path.lineTo(p.x, p.y)));
  }
  ctx.strokeStyle = colours.flow;
  ctx.stroke(plain);
  ctx.strokeStyle = colours.selection;
  ctx.stroke(selected);

  const kinds = ["process", "external_entity", "data_store"] as const;
  const paths = new Map(kinds.map((k) => [k, new Path2D()]));
  const chosen = new Path2D();
  for (const node of layers.shapes) {
    const b = box(node);
    if (!overlaps(b, view)) continue;
    const path = paths.get(node.type as (typeof kinds)[number]);
    if (!path) continue;
    for (const p of node.selected ? [path, chosen] : [path]) {
      if (node.type === "process") {
        p.moveTo(b.x + b.width, b.y + b.height / 2);
        p.ellipse(b.x + b.width / 2, b.y + b.height / 2, b.width / 2, b.height / 2, 0, 0, 2 * Math.PI);
      } else {
        p.rect(b.x, b.y, b.width, b.height);
      }
    }
  }
  for (const kind of kinds) {
    const path = paths.get(kind)!;
    ctx.fillStyle = colours[kind].fill;
    ctx.fill(path);
    ctx.strokeStyle = colours[kind].stroke;
    ctx.stroke(path);
  }
  ctx.lineWidth = 3 * px;
  ctx.strokeStyle = colours.selection;
  ctx.stroke(chosen);
}

/** The overview of `nodes` and `edges`, drawn over the background and under the pane's controls. */
export function Overview({ nodes, edges, dark }: { nodes: ShapeNode[]; edges: FlowEdgeType[]; dark: boolean }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const store = useStoreApi();
  const byId = useMemo(() => new Map(nodes.map((n) => [n.id, n])), [nodes]);
  const layers = useMemo(() => {
    const isBoundary = (n: ShapeNode) => n.type === "trust_boundary" || n.type === "boundary_line";
    // Bigger boundaries are further back (lower zIndex), as on the full canvas.
    const boundaries = nodes.filter(isBoundary).sort((a, b) => (a.zIndex ?? 0) - (b.zIndex ?? 0));
    return { boundaries, shapes: nodes.filter((n) => !isBoundary(n)) };
  }, [nodes]);

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) return;
    const colours = themeColours(canvas);
    let frame = 0;
    const draw = () => {
      frame = 0;
      const { transform, width, height } = store.getState();
      const [tx, ty, zoom] = transform;
      const ratio = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
        canvas.width = Math.round(width * ratio);
        canvas.height = Math.round(height * ratio);
      }
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.setTransform(zoom * ratio, 0, 0, zoom * ratio, tx * ratio, ty * ratio);
      paint(ctx, colours, byId, layers, edges, { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom }, zoom);
    };
    // At most one drawing per frame, however many wheel or pointer events arrive in it.
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(draw);
    };
    schedule();
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.transform !== previous.transform || state.width !== previous.width || state.height !== previous.height) schedule();
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [store, byId, layers, edges, dark]);

  return <canvas ref={ref} className="overview" data-testid="overview" aria-hidden="true" />;
}
