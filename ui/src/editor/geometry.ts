// Plain geometry for the canvas: which boundary a point falls in, where a new shape fits,
// where a flow meets a shape's outline, the course of a flow through its bend points.

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const GRID = 10;

export function snap(v: number): number {
  return Math.round(v / GRID) * GRID;
}

export function center(r: Rect): Point {
  return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
}

export function containsPoint(r: Rect, p: Point): boolean {
  return p.x >= r.x && p.x <= r.x + r.width && p.y >= r.y && p.y <= r.y + r.height;
}

export function intersects(a: Rect, b: Rect, margin = 0): boolean {
  return (
    a.x < b.x + b.width + margin &&
    b.x < a.x + a.width + margin &&
    a.y < b.y + b.height + margin &&
    b.y < a.y + a.height + margin
  );
}

/** The smallest of `boundaries` that contains `p` (the innermost one), or null. */
export function innermost(boundaries: { id: string; rect: Rect }[], p: Point): string | null {
  let best: { id: string; area: number } | null = null;
  for (const b of boundaries) {
    if (!containsPoint(b.rect, p)) continue;
    const area = b.rect.width * b.rect.height;
    if (!best || area < best.area) best = { id: b.id, area };
  }
  return best?.id ?? null;
}

/**
 * A top-left corner for a new shape of `size` inside `visible` that overlaps none of
 * `occupied`, scanning rows from the top left. When the view is full, falls back to the
 * view's centre, offset by `nth` steps so that successive shapes do not stack.
 */
export function freeSpot(visible: Rect, occupied: Rect[], size: { width: number; height: number }, nth: number): Point {
  const margin = 40; // from the edges of the view
  const gap = 100; // between shapes, so that a flow between neighbours has room for its label
  const right = visible.x + visible.width - margin;
  // On a big diagram most shapes are far away: only those near the view, and then near the
  // row, are checked, and a row skips past whatever blocks it.
  const near = occupied.filter((o) => intersects(visible, o, gap));
  for (let y = visible.y + margin; y + size.height <= visible.y + visible.height - margin; y += GRID * 2) {
    const top = snap(y);
    const row = near.filter((o) => o.y < top + size.height + gap && top < o.y + o.height + gap);
    for (let x = visible.x + margin; x + size.width <= right; x += GRID * 2) {
      const candidate = { x: snap(x), y: top, ...size };
      const blocker = row.find((o) => intersects(candidate, o, gap));
      if (!blocker) return { x: candidate.x, y: candidate.y };
      while (snap(x + GRID * 2) < blocker.x + blocker.width + gap && x + size.width <= right) x += GRID * 2;
    }
  }
  const c = center(visible);
  const offset = (nth % 12) * 30;
  return { x: snap(c.x - size.width / 2 + offset), y: snap(c.y - size.height / 2 + offset) };
}

export type Outline = "ellipse" | "rect";

/** Where the line from the centre of `r` towards `towards` leaves the shape's outline. */
export function outlinePoint(r: Rect, outline: Outline, towards: Point): Point {
  const c = center(r);
  const dx = towards.x - c.x;
  const dy = towards.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const a = r.width / 2;
  const b = r.height / 2;
  let t: number;
  if (outline === "ellipse") {
    t = 1 / Math.sqrt((dx / a) ** 2 + (dy / b) ** 2);
  } else {
    t = Math.min(dx === 0 ? Infinity : a / Math.abs(dx), dy === 0 ? Infinity : b / Math.abs(dy));
  }
  return { x: c.x + dx * t, y: c.y + dy * t };
}

/**
 * The path of a flow between two shapes. `bend` (px) curves it sideways so that several
 * flows between the same pair of shapes stay apart. Returns the SVG path and where its
 * label goes.
 */
export function flowPath(
  from: { rect: Rect; outline: Outline },
  to: { rect: Rect; outline: Outline },
  bend: number,
  labelAt = 0.5,
): { path: string; label: Point } {
  const a = center(from.rect);
  const b = center(to.rect);
  const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  const normal = { x: -(b.y - a.y) / len, y: (b.x - a.x) / len };
  const control = { x: mid.x + normal.x * bend * 2, y: mid.y + normal.y * bend * 2 };
  const s = outlinePoint(from.rect, from.outline, bend === 0 ? b : control);
  const t = outlinePoint(to.rect, to.outline, bend === 0 ? a : control);
  const u = labelAt;
  if (bend === 0) {
    return { path: `M ${s.x},${s.y} L ${t.x},${t.y}`, label: { x: s.x + (t.x - s.x) * u, y: s.y + (t.y - s.y) * u } };
  }
  // A quadratic curve through the control point; the label sits on it at parameter u.
  const w0 = (1 - u) ** 2;
  const w1 = 2 * (1 - u) * u;
  const w2 = u ** 2;
  return {
    path: `M ${s.x},${s.y} Q ${control.x},${control.y} ${t.x},${t.y}`,
    label: { x: w0 * s.x + w1 * control.x + w2 * t.x, y: w0 * s.y + w1 * control.y + w2 * t.y },
  };
}

/** An SVG path through `points`: straight segments, as the engine's SVG draws them. */
export function polylinePath(points: Point[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"} ${p.x},${p.y}`).join(" ");
}

/**
 * The path of a flow through its bend points: from the source's outline towards the first
 * bend, through every bend, to the target's outline from the last. The label sits in the
 * middle of the middle segment, where the engine's SVG puts it.
 */
export function bentFlowPath(from: { rect: Rect; outline: Outline }, to: { rect: Rect; outline: Outline }, bends: Point[]): { path: string; label: Point } {
  const first = bends[0] ?? center(to.rect);
  const last = bends[bends.length - 1] ?? center(from.rect);
  const points = [outlinePoint(from.rect, from.outline, first), ...bends, outlinePoint(to.rect, to.outline, last)];
  const mid = Math.floor(points.length / 2);
  const a = points[mid - 1]!;
  const b = points[mid]!;
  return { path: polylinePath(points), label: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } };
}
