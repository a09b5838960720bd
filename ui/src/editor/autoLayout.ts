// Automatic layout of a diagram with ELK's layered algorithm: data flows left to right,
// trust boundaries are compound nodes that hold their contents (nested at any depth) and
// grow to fit them. The result is one `put` of layouts, one undo step. Boundaries drawn as
// lines hold nothing and stay where they are; flows lose their bend points and run
// straight between their shapes.

import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";

import type { Document } from "../api/bindings/Document";
import type { Element } from "../api/bindings/Element";
import type { Layout } from "../api/bindings/Layout";
import type { Operation } from "../api/bindings/Operation";
import { isLine } from "./elements";
import { snap } from "./geometry";

const LAYOUT_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  "elk.spacing.nodeNode": "50",
  "elk.layered.spacing.nodeNodeBetweenLayers": "70",
  "elk.spacing.edgeLabel": "6",
  "elk.edgeLabels.inline": "true",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
};

/** Room inside a boundary: its name sits at the top. */
const BOUNDARY_OPTIONS = {
  "elk.padding": "[top=44,left=30,bottom=30,right=30]",
  "elk.nodeSize.constraints": "MINIMUM_SIZE",
  "elk.nodeSize.minimum": "(160, 100)",
};

/** About how wide a flow's name is drawn, so that layers leave room for it. */
function labelSize(name: string): { width: number; height: number } {
  return { width: Math.min(180, 12 + name.length * 7), height: 20 };
}

/** The chain of boundaries holding `id`, innermost first. */
function holders(parents: Map<string, string | null>, id: string): string[] {
  const chain: string[] = [];
  for (let p = parents.get(id) ?? null; p && chain.length < 64; p = parents.get(p) ?? null) chain.push(p);
  return chain;
}

/** The ELK graph of a diagram: shapes as nodes inside their boundaries, flows as edges. */
export function elkGraph(doc: Document, diagram: string): { graph: ElkNode; shapes: Element[] } {
  const shapes = Object.values(doc.elements).filter((e) => {
    const layout = doc.layouts[e.id];
    return e.diagram === diagram && e.properties.kind !== "data_flow" && layout && !isLine(layout);
  });
  const placed = new Set(shapes.map((e) => e.id));
  // Only a boundary that is laid out holds anything here.
  const parents = new Map(shapes.map((e) => [e.id, e.parent && placed.has(e.parent) ? e.parent : null]));

  const root: ElkNode = { id: "root", layoutOptions: LAYOUT_OPTIONS, children: [], edges: [] };
  const nodes = new Map<string, ElkNode>([["root", root]]);
  for (const e of shapes) {
    const layout = doc.layouts[e.id]!;
    const boundary = e.properties.kind === "trust_boundary";
    nodes.set(e.id, boundary ? { id: e.id, layoutOptions: BOUNDARY_OPTIONS, children: [], edges: [] } : { id: e.id, width: layout.width, height: layout.height });
  }
  for (const e of [...shapes].sort((a, b) => a.id.localeCompare(b.id))) nodes.get(parents.get(e.id) ?? "root")!.children!.push(nodes.get(e.id)!);

  const flows = Object.values(doc.elements)
    .filter((e) => e.diagram === diagram)
    .sort((a, b) => a.id.localeCompare(b.id));
  for (const f of flows) {
    const p = f.properties;
    if (p.kind !== "data_flow" || !p.source || !p.target || !placed.has(p.source) || !placed.has(p.target)) continue;
    // An edge belongs to the innermost boundary that holds both its ends.
    const around = new Set(holders(parents, p.target));
    const owner = holders(parents, p.source).find((b) => around.has(b)) ?? "root";
    const edge: ElkExtendedEdge = { id: f.id, sources: [p.source], targets: [p.target] };
    if (f.name) edge.labels = [{ text: f.name, ...labelSize(f.name) }];
    nodes.get(owner)!.edges!.push(edge);
  }
  return { graph: root, shapes };
}

/**
 * The layouts ELK's answer gives the shapes (absolute, on the grid), placed so that the
 * drawing keeps the top-left corner it had.
 */
function layoutsFrom(result: ElkNode, doc: Document, shapes: Element[]): Layout[] {
  const absolute = new Map<string, { x: number; y: number; width: number; height: number }>();
  const walk = (node: ElkNode, ox: number, oy: number) => {
    for (const child of node.children ?? []) {
      const x = ox + (child.x ?? 0);
      const y = oy + (child.y ?? 0);
      absolute.set(child.id, { x, y, width: child.width ?? 0, height: child.height ?? 0 });
      walk(child, x, y);
    }
  };
  walk(result, 0, 0);
  const before = shapes.map((e) => doc.layouts[e.id]!);
  const after = [...absolute.values()];
  const originX = Math.min(...before.map((l) => l.x)) - Math.min(...after.map((b) => b.x));
  const originY = Math.min(...before.map((l) => l.y)) - Math.min(...after.map((b) => b.y));
  return shapes.flatMap((e) => {
    const box = absolute.get(e.id);
    if (!box) return [];
    const old = doc.layouts[e.id]!;
    const boundary = e.properties.kind === "trust_boundary";
    return [
      {
        ...old,
        x: snap(originX + box.x),
        y: snap(originY + box.y),
        width: boundary ? snap(box.width) : old.width,
        height: boundary ? snap(box.height) : old.height,
      },
    ];
  });
}

/** The `put` that lays `diagram` out, or null when it has no shapes. Starts ELK on first use. */
export async function autoLayoutOp(doc: Document, diagram: string): Promise<Operation | null> {
  const { graph, shapes } = elkGraph(doc, diagram);
  if (shapes.length === 0) return null;
  const { layoutEngine } = await import("./elk");
  const result = await layoutEngine().layout(graph);
  const layouts = layoutsFrom(result, doc, shapes);
  // Flows run straight between their new places.
  for (const e of Object.values(doc.elements)) {
    const layout = doc.layouts[e.id];
    if (e.diagram === diagram && e.properties.kind === "data_flow" && layout?.points?.length) layouts.push({ ...layout, points: [] });
  }
  return { op: "put", records: layouts.map((value) => ({ type: "layout" as const, value })) };
}
