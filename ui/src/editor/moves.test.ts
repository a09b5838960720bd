import { describe, expect, it } from "vitest";

import { documentWith, layout, shape } from "../test/fixtures";
import { DIAGRAM } from "../test/fixtures";
import { moveIntoOps, moveOps, moveOutOps, rearrangeOp } from "./moves";

const ZONE = "0c000000-0000-4000-8000-00000000000c";
const INNER = "0d000000-0000-4000-8000-00000000000d";
const P = "0a000000-0000-4000-8000-00000000000a";
const Q = "0b000000-0000-4000-8000-00000000000b";

// ZONE spans (0,0)-(500,400) and holds INNER (300,200)-(480,380) which holds Q; P is outside.
const doc = () =>
  documentWith([
    { element: shape(ZONE, "trust_boundary", "Zone"), layout: layout(ZONE, 0, 0, 500, 400) },
    { element: shape(INNER, "trust_boundary", "Inner", ZONE), layout: layout(INNER, 300, 200, 180, 180) },
    { element: shape(P, "process", "P"), layout: layout(P, 600, 0) },
    { element: shape(Q, "process", "Q", INNER), layout: layout(Q, 330, 230) },
  ]);

describe("moveOps", () => {
  it("is one translate when the containing boundary does not change", () => {
    expect(moveOps(doc(), DIAGRAM, [P], 40, 10)).toEqual([{ op: "translate", ids: [P], dx: 40, dy: 10 }]);
  });

  it("adds a reparent into the innermost boundary the shape lands in", () => {
    // P's centre goes from (660,60) to (400,300): inside ZONE and INNER.
    expect(moveOps(doc(), DIAGRAM, [P], -260, 240)).toEqual([
      { op: "translate", ids: [P], dx: -260, dy: 240 },
      { op: "reparent", ids: [P], parent: INNER },
    ]);
  });

  it("reparents to null when a shape leaves every boundary", () => {
    expect(moveOps(doc(), DIAGRAM, [Q], 400, 0)).toEqual([
      { op: "translate", ids: [Q], dx: 400, dy: 0 },
      { op: "reparent", ids: [Q], parent: null },
    ]);
  });

  it("keeps the contents of a dragged boundary where they are, and never reparents a boundary", () => {
    expect(moveOps(doc(), DIAGRAM, [ZONE], 1000, 1000)).toEqual([{ op: "translate", ids: [ZONE], dx: 1000, dy: 1000 }]);
    expect(moveOps(doc(), DIAGRAM, [INNER], -290, -190)).toEqual([{ op: "translate", ids: [INNER], dx: -290, dy: -190 }]);
  });

  it("sends nothing for a drag that ends where it started", () => {
    expect(moveOps(doc(), DIAGRAM, [P], 0, 0)).toEqual([]);
  });
});

describe("rearrangeOp", () => {
  it("moves a boundary's contents with it unless they move on their own", () => {
    const op = rearrangeOp(
      doc(),
      DIAGRAM,
      new Map([
        [ZONE, { dx: 10, dy: 0 }],
        [Q, { dx: 0, dy: 5 }],
      ]),
    );
    if (op?.op !== "put") throw new Error("expected a put");
    const at = Object.fromEntries(op.records.map((r) => (r.type === "layout" ? [r.value.id, [r.value.x, r.value.y]] : [r.type, r.type])));
    expect(at).toEqual({ [ZONE]: [10, 0], [INNER]: [310, 200], [Q]: [330, 235] });
  });

  it("is null when nothing moves", () => {
    expect(rearrangeOp(doc(), DIAGRAM, new Map([[P, { dx: 0, dy: 0 }]]))).toBeNull();
  });
});

describe("moving into and out of a boundary", () => {
  it("moves a shape to a free spot inside the boundary and into it, as one step", () => {
    const [translate, reparent] = moveIntoOps(doc(), DIAGRAM, [P], ZONE);
    expect(reparent).toEqual({ op: "reparent", ids: [P], parent: ZONE });
    if (translate?.op !== "translate") throw new Error("expected a translate");
    const x = 600 + translate.dx;
    const y = 0 + translate.dy;
    // Inside the zone, clear of INNER.
    expect(x >= 0 && x + 120 <= 500 && y >= 0 && y + 120 <= 400).toBe(true);
    expect(x + 120 <= 300 || y + 120 <= 200).toBe(true);
  });

  it("moves a shape out to its boundary's boundary, clear of the one it left", () => {
    const [translate, reparent] = moveOutOps(doc(), DIAGRAM, [Q]);
    expect(reparent).toEqual({ op: "reparent", ids: [Q], parent: ZONE });
    if (translate?.op !== "translate") throw new Error("expected a translate");
    const x = 330 + translate.dx;
    const y = 230 + translate.dy;
    expect(x >= 0 && x + 120 <= 500 && y >= 0 && y + 120 <= 400).toBe(true);
    expect(x + 120 <= 300 || y + 120 <= 200).toBe(true);
  });

  it("moves an outermost boundary's contents beside it, out of every boundary", () => {
    const [translate, reparent] = moveOutOps(doc(), DIAGRAM, [INNER]);
    expect(reparent).toEqual({ op: "reparent", ids: [INNER], parent: null });
    if (translate?.op !== "translate") throw new Error("expected a translate");
    expect(300 + translate.dx).toBeGreaterThanOrEqual(500);
  });

  it("offers nothing for shapes in different boundaries", () => {
    expect(moveOutOps(doc(), DIAGRAM, [P])).toEqual([]);
    expect(moveOutOps(doc(), DIAGRAM, [Q, P])).toEqual([]);
  });
});
