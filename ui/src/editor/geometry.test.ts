import { describe, expect, it } from "vitest";

import { bentFlowPath, flowPath, freeSpot, innermost, intersects, outlinePoint, polylinePath } from "./geometry";

describe("innermost", () => {
  const outer = { id: "outer", rect: { x: 0, y: 0, width: 400, height: 400 } };
  const inner = { id: "inner", rect: { x: 100, y: 100, width: 100, height: 100 } };
  it("picks the smallest boundary holding the point", () => {
    expect(innermost([outer, inner], { x: 150, y: 150 })).toBe("inner");
    expect(innermost([inner, outer], { x: 150, y: 150 })).toBe("inner");
    expect(innermost([outer, inner], { x: 50, y: 50 })).toBe("outer");
    expect(innermost([outer, inner], { x: 500, y: 50 })).toBeNull();
  });
});

describe("freeSpot", () => {
  const view = { x: 0, y: 0, width: 800, height: 600 };
  const size = { width: 120, height: 120 };
  it("places successive shapes apart", () => {
    const placed: { x: number; y: number; width: number; height: number }[] = [];
    for (let i = 0; i < 5; i += 1) placed.push({ ...freeSpot(view, placed, size, i), ...size });
    for (let i = 0; i < placed.length; i += 1) {
      for (let j = i + 1; j < placed.length; j += 1) expect(intersects(placed[i]!, placed[j]!)).toBe(false);
      expect(placed[i]!.x + size.width).toBeLessThanOrEqual(view.width);
      expect(placed[i]!.y + size.height).toBeLessThanOrEqual(view.height);
    }
  });

  it("falls back to offsets from the centre when the view is full", () => {
    const full = [{ ...view }];
    const a = freeSpot(view, full, size, 0);
    const b = freeSpot(view, full, size, 1);
    expect(a).not.toEqual(b);
  });
});

describe("flow geometry", () => {
  it("meets a circle on its outline and a rectangle on its border", () => {
    const circle = { x: 0, y: 0, width: 100, height: 100 };
    expect(outlinePoint(circle, "ellipse", { x: 200, y: 50 })).toEqual({ x: 100, y: 50 });
    const p = outlinePoint(circle, "ellipse", { x: 150, y: 150 });
    expect(Math.hypot(p.x - 50, p.y - 50)).toBeCloseTo(50);
    expect(outlinePoint({ x: 0, y: 0, width: 200, height: 50 }, "rect", { x: 100, y: 500 })).toEqual({ x: 100, y: 50 });
  });

  it("draws a straight line, or a curve when bent", () => {
    const a = { rect: { x: 0, y: 0, width: 100, height: 100 }, outline: "rect" as const };
    const b = { rect: { x: 300, y: 0, width: 100, height: 100 }, outline: "rect" as const };
    expect(flowPath(a, b, 0)).toEqual({ path: "M 100,50 L 300,50", label: { x: 200, y: 50 } });
    const bent = flowPath(a, b, 20);
    expect(bent.path.startsWith("M ")).toBe(true);
    expect(bent.path).toContain(" Q ");
    expect(bent.label.y).not.toBe(50);
  });
});

describe("bentFlowPath", () => {
  const box = (x: number, y: number) => ({ rect: { x, y, width: 100, height: 100 }, outline: "rect" as const });
  it("runs from outline to outline through every bend point, the label mid-way along the middle segment", () => {
    const { path, label } = bentFlowPath(box(0, 0), box(400, 0), [{ x: 50, y: 300 }, { x: 450, y: 300 }]);
    // Leaves the source downwards (towards the first bend), enters the target from below.
    expect(path).toBe("M 50,100 L 50,300 L 450,300 L 450,100");
    expect(label).toEqual({ x: 250, y: 300 });
  });

  it("with one bend point puts the label half-way to it", () => {
    const { path, label } = bentFlowPath(box(0, 0), box(400, 0), [{ x: 250, y: 50 }]);
    expect(path).toBe("M 100,50 L 250,50 L 400,50");
    expect(label).toEqual({ x: 175, y: 50 });
  });

  it("polylinePath writes straight segments", () => {
    expect(polylinePath([{ x: 0, y: 0 }, { x: 10, y: 5 }])).toBe("M 0,0 L 10,5");
  });
});
