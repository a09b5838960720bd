import { describe, expect, it, vi } from "vitest";

import type { Layout } from "../api/bindings/Layout";
import { DIAGRAM, documentWith, flow, layout, shape } from "../test/fixtures";
import { autoLayoutOp, elkGraph } from "./autoLayout";

// jsdom has no web workers: the tests run ELK's single-file build in the test's thread.
vi.mock("./elk", async () => {
  const { default: ELK } = await import("elkjs/lib/elk.bundled.js");
  const engine = new ELK();
  return { layoutEngine: () => engine };
});

const OUTER = "01000000-0000-4000-8000-000000000001";
const INNER = "02000000-0000-4000-8000-000000000002";
const USER = "03000000-0000-4000-8000-000000000003";
const API = "04000000-0000-4000-8000-000000000004";
const DB = "05000000-0000-4000-8000-000000000005";
const LINE = "06000000-0000-4000-8000-000000000006";
const F1 = "0f000000-0000-4000-8000-000000000001";
const F2 = "0f000000-0000-4000-8000-000000000002";

/** USER -> API (in OUTER) -> DB (in INNER, in OUTER), all piled up at the same spot. */
function pile() {
  const d = documentWith([
    { element: shape(OUTER, "trust_boundary", "Data centre"), layout: layout(OUTER, 100, 100, 200, 200) },
    { element: shape(INNER, "trust_boundary", "Database zone", OUTER), layout: layout(INNER, 100, 100, 200, 200) },
    { element: shape(USER, "external_entity", "Customer"), layout: layout(USER, 100, 100, 150, 70) },
    { element: shape(API, "process", "API", OUTER), layout: layout(API, 100, 100) },
    { element: shape(DB, "data_store", "Orders", INNER), layout: layout(DB, 100, 100, 160, 64) },
    {
      element: shape(LINE, "trust_boundary", "Internet edge"),
      layout: { id: LINE, x: 0, y: 0, width: 0, height: 300, points: [{ x: 0, y: 0 }, { x: 0, y: 300 }] },
    },
  ]);
  d.elements[F1] = flow(F1, USER, API, "Order");
  d.elements[F2] = flow(F2, API, DB, "Insert");
  d.layouts[F2] = { id: F2, x: 0, y: 0, width: 0, height: 0, points: [{ x: 5, y: 5 }] };
  return d;
}

const inside = (inner: Layout, outer: Layout) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
const apart = (a: Layout, b: Layout) => a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;

describe("the ELK graph", () => {
  it("nests shapes in their boundaries and puts each flow in the innermost boundary holding both ends", () => {
    const { graph } = elkGraph(pile(), DIAGRAM);
    expect(graph.children!.map((n) => n.id).sort()).toEqual([OUTER, USER].sort());
    const outer = graph.children!.find((n) => n.id === OUTER)!;
    expect(outer.children!.map((n) => n.id).sort()).toEqual([INNER, API].sort());
    expect(outer.children!.find((n) => n.id === INNER)!.children!.map((n) => n.id)).toEqual([DB]);
    expect(graph.edges!.map((e) => e.id)).toEqual([F1]);
    expect(outer.edges!.map((e) => e.id)).toEqual([F2]);
    expect(graph.edges![0]!.labels![0]!.text).toBe("Order");
  });
});

describe("automatic layout", () => {
  it("is one put of layouts: shapes apart, boundaries around their contents, flows straight", async () => {
    const doc = pile();
    const op = await autoLayoutOp(doc, DIAGRAM);
    if (op?.op !== "put") throw new Error("expected a put");
    const layouts = op.records.flatMap((r) => (r.type === "layout" ? [r.value] : []));
    expect(layouts).toHaveLength(op.records.length);
    const at = new Map(layouts.map((l) => [l.id, l]));
    // The line boundary holds nothing and stays; every other shape is laid out.
    expect([...at.keys()].sort()).toEqual([OUTER, INNER, USER, API, DB, F2].sort());
    const get = (id: string) => at.get(id)!;
    expect(inside(get(API), get(OUTER))).toBe(true);
    expect(inside(get(INNER), get(OUTER))).toBe(true);
    expect(inside(get(DB), get(INNER))).toBe(true);
    expect(apart(get(USER), get(OUTER))).toBe(true);
    expect(apart(get(API), get(INNER))).toBe(true);
    // Left to right along the flows.
    expect(get(USER).x + get(USER).width).toBeLessThanOrEqual(get(API).x);
    expect(get(API).x + get(API).width).toBeLessThanOrEqual(get(DB).x);
    // Shapes keep their size, on the grid; the drawing keeps its top-left corner.
    expect(get(API)).toMatchObject({ width: 120, height: 120 });
    for (const l of at.values()) expect([l.x % 10, l.y % 10]).toEqual([0, 0]);
    expect(Math.min(...[OUTER, USER].map((id) => get(id).x))).toBe(100);
    expect(get(F2).points).toEqual([]);
  });

  it("has nothing to do for a diagram without shapes", async () => {
    expect(await autoLayoutOp(documentWith([]), DIAGRAM)).toBeNull();
  });
});
