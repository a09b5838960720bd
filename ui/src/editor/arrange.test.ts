import { describe, expect, it } from "vitest";

import type { Layout } from "../api/bindings/Layout";
import type { Operation } from "../api/bindings/Operation";
import { DIAGRAM, documentWith, layout, shape } from "../test/fixtures";
import { alignOp, distributeOp } from "./arrange";

const A = "0a000000-0000-4000-8000-00000000000a";
const B = "0b000000-0000-4000-8000-00000000000b";
const C = "0c000000-0000-4000-8000-00000000000c";
const ZONE = "0d000000-0000-4000-8000-00000000000d";
const INSIDE = "0e000000-0000-4000-8000-00000000000e";

// A (0,0 120x120), B (300,50 160x64), C (700,200 150x70); ZONE (0,400 300x200) holds INSIDE.
const doc = () =>
  documentWith([
    { element: shape(A, "process", "A"), layout: layout(A, 0, 0) },
    { element: shape(B, "data_store", "B"), layout: layout(B, 300, 50, 160, 64) },
    { element: shape(C, "external_entity", "C"), layout: layout(C, 700, 200, 150, 70) },
    { element: shape(ZONE, "trust_boundary", "Zone"), layout: layout(ZONE, 0, 400, 300, 200) },
    { element: shape(INSIDE, "process", "Inside", ZONE), layout: layout(INSIDE, 100, 450) },
  ]);

/** The layouts a put writes, by id, as [x, y]. */
function placed(op: Operation | null): { [id: string]: [number, number] } {
  if (!op || op.op !== "put") throw new Error("expected a put");
  return Object.fromEntries(op.records.flatMap((r) => (r.type === "layout" ? [[r.value.id, [(r.value as Layout).x, (r.value as Layout).y]]] : [])));
}

describe("align", () => {
  it.each([
    ["left", { [B]: [0, 50], [C]: [0, 200] }],
    ["right", { [A]: [730, 0], [B]: [690, 50] }],
    ["center", { [A]: [365, 0], [B]: [345, 50], [C]: [350, 200] }],
    ["top", { [B]: [300, 0], [C]: [700, 0] }],
    ["bottom", { [A]: [0, 150], [B]: [300, 206] }],
    ["middle", { [A]: [0, 75], [B]: [300, 103], [C]: [700, 100] }],
  ] as const)("%s: one put of the layouts that move", (how, expected) => {
    expect(placed(alignOp(doc(), DIAGRAM, [A, B, C], how))).toEqual(expected);
  });

  it("needs two shapes, and ignores flows and other diagrams", () => {
    expect(alignOp(doc(), DIAGRAM, [A], "left")).toBeNull();
    expect(alignOp(doc(), "elsewhere", [A, B], "left")).toBeNull();
  });

  it("moves a boundary with what it holds, and a shape that lands in a boundary goes into it", () => {
    const op = alignOp(doc(), DIAGRAM, [ZONE, C], "right");
    // ZONE's right edge goes to 850: +550 for it and its contents.
    expect(placed(op)).toEqual({ [ZONE]: [550, 400], [INSIDE]: [650, 450] });
    const intoZone = alignOp(doc(), DIAGRAM, [INSIDE, A], "left");
    expect(placed(intoZone)).toEqual({ [INSIDE]: [0, 450] });
    const bottom = alignOp(doc(), DIAGRAM, [A, INSIDE], "bottom");
    if (bottom?.op !== "put") throw new Error("expected a put");
    // A (0, 450) lands in the zone: its new parent comes in the same put.
    expect(bottom.records.find((r) => r.type === "element")).toMatchObject({ value: { id: A, parent: ZONE } });
  });
});

describe("distribute", () => {
  it("spaces the shapes evenly between the outermost two", () => {
    // Widths 120 + 160 + 150 over 0..850: gaps of 210.
    expect(placed(distributeOp(doc(), DIAGRAM, [C, A, B], "horizontal"))).toEqual({ [B]: [330, 50] });
    // Heights 120 + 64 + 70 over 0..270: gaps of 8.
    expect(placed(distributeOp(doc(), DIAGRAM, [A, B, C], "vertical"))).toEqual({ [B]: [300, 128] });
  });

  it("needs three shapes", () => {
    expect(distributeOp(doc(), DIAGRAM, [A, B], "horizontal")).toBeNull();
  });
});
