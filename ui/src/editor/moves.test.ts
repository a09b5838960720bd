import { describe, expect, it } from "vitest";

import { documentWith, layout, shape } from "../test/fixtures";
import { DIAGRAM } from "../test/fixtures";
import { moveOps } from "./moves";

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
