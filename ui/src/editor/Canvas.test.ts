import { describe, expect, it } from "vitest";

import type { Element } from "../api/bindings/Element";
import { DIAGRAM, documentWith, flow, layout, shape } from "../test/fixtures";
import { deriveEdges, deriveNodes } from "./Canvas";
import type { ShapeNode } from "./nodes";

const BIG = "0c000000-0000-4000-8000-00000000000c";
const SMALL = "0d000000-0000-4000-8000-00000000000d";
const P = "0a000000-0000-4000-8000-00000000000a";
const Q = "0b000000-0000-4000-8000-00000000000b";
const F = "0f000000-0000-4000-8000-00000000000f";
const G = "0e000000-0000-4000-8000-00000000000e";

function flowElement(id: string, source: string, target: string, bidirectional = false): Element {
  return flow(id, source, target, `flow ${id.slice(0, 2)}`, bidirectional);
}

const doc = () => {
  const d = documentWith([
    { element: shape(SMALL, "trust_boundary", "Small", BIG), layout: layout(SMALL, 10, 10, 100, 100) },
    { element: shape(BIG, "trust_boundary", "Big"), layout: layout(BIG, 0, 0, 500, 500) },
    { element: shape(P, "process", "P", SMALL), layout: layout(P, 20, 20) },
    { element: shape(Q, "data_store", "Q"), layout: layout(Q, 600, 0, 160, 64) },
  ]);
  d.elements[F] = flowElement(F, P, Q, true);
  d.elements[G] = flowElement(G, Q, P);
  return d;
};

describe("deriveNodes", () => {
  it("draws shapes at their layout, boundaries behind and bigger ones further back", () => {
    const nodes = deriveNodes(doc(), DIAGRAM, new Set([P]), {}, new Map());
    const byId = new Map(nodes.map((n) => [n.id, n]));
    expect(nodes.map((n) => n.id).sort()).toEqual([BIG, SMALL, P, Q].sort());
    expect(byId.get(P)).toMatchObject({ type: "process", position: { x: 20, y: 20 }, width: 120, height: 120, selected: true });
    expect(byId.get(Q)).toMatchObject({ type: "data_store", selected: false });
    expect(byId.get(BIG)!.zIndex!).toBeLessThan(byId.get(SMALL)!.zIndex!);
    expect(byId.get(SMALL)!.zIndex!).toBeLessThan(byId.get(P)!.zIndex!);
    expect(byId.has(F)).toBe(false);
  });

  it("shows a dragged boundary's contents moving with it, and reuses unchanged nodes", () => {
    const d = doc();
    const cache = new Map<string, ShapeNode>();
    const before = deriveNodes(d, DIAGRAM, new Set(), {}, cache);
    const during = deriveNodes(d, DIAGRAM, new Set(), { [BIG]: { x: 100, y: 50, mode: "drag" } }, cache);
    const at = (nodes: ShapeNode[], id: string) => nodes.find((n) => n.id === id)!;
    expect(at(during, BIG).position).toEqual({ x: 100, y: 50 });
    expect(at(during, SMALL).position).toEqual({ x: 110, y: 60 });
    expect(at(during, P).position).toEqual({ x: 120, y: 70 });
    expect(at(during, Q)).toBe(at(before, Q));
    // A resized boundary does not carry its contents.
    const resized = deriveNodes(d, DIAGRAM, new Set(), { [BIG]: { x: -50, y: 0, width: 550, mode: "resize" } }, cache);
    expect(at(resized, BIG)).toMatchObject({ position: { x: -50, y: 0 }, width: 550, height: 500 });
    expect(at(resized, P).position).toEqual({ x: 20, y: 20 });
  });
});

describe("deriveEdges", () => {
  it("makes flows edges with arrowheads, both ends when bidirectional, bent apart when parallel", () => {
    const d = doc();
    const edges = deriveEdges(d, DIAGRAM, new Set([G]), new Set([P, Q]), false);
    const f = edges.find((e) => e.id === F)!;
    const g = edges.find((e) => e.id === G)!;
    expect(f).toMatchObject({ source: P, target: Q, type: "flow", selected: false });
    expect(f.markerEnd).toBeTruthy();
    expect(f.markerStart).toBeTruthy();
    expect(g).toMatchObject({ source: Q, target: P, selected: true });
    expect(g.markerStart).toBeUndefined();
    expect(f.data!.bend).not.toBe(0);
    expect(f.data!.bend).toBe(g.data!.bend);
    expect(f.domAttributes).toMatchObject({ "data-testid": "edge" });
  });

  it("gives a flow with bend points its points, to be drawn as a polyline through them", () => {
    const d = doc();
    const bends = [{ x: 50, y: 300 }, { x: 450, y: 300 }];
    d.layouts[G] = { id: G, x: 0, y: 0, width: 0, height: 0, points: bends };
    const edges = deriveEdges(d, DIAGRAM, new Set(), new Set([P, Q]), false);
    expect(edges.find((e) => e.id === G)!.data!.bends).toEqual(bends);
    expect(edges.find((e) => e.id === F)!.data!.bends).toEqual([]);
  });

  it("leaves out flows whose ends are not on the canvas", () => {
    expect(deriveEdges(doc(), DIAGRAM, new Set(), new Set([P]), false)).toEqual([]);
  });
});
