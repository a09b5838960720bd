import { describe, expect, it } from "vitest";

import type { Element } from "../api/bindings/Element";
import type { Layout } from "../api/bindings/Layout";
import type { Operation } from "../api/bindings/Operation";
import { DIAGRAM, documentWith, flow, layout, shape } from "../test/fixtures";
import { copyOf, newest, parse, PASTE_STEP, pasteOp, serialize } from "./clipboard";

const ZONE = "0c000000-0000-4000-8000-00000000000c";
const A = "0a000000-0000-4000-8000-00000000000a";
const B = "0b000000-0000-4000-8000-00000000000b";
const C = "0d000000-0000-4000-8000-00000000000d";
const AB = "0f000000-0000-4000-8000-0000000000ab";
const BC = "0f000000-0000-4000-8000-0000000000bc";
const OTHER = "00000000-0000-4000-8000-000000000002";

/** ZONE (0,0 500x400) holds A and B; C is outside; flows A->B and B->C. */
function doc() {
  const d = documentWith([
    { element: shape(ZONE, "trust_boundary", "Zone"), layout: layout(ZONE, 0, 0, 500, 400) },
    { element: shape(A, "process", "API", ZONE), layout: layout(A, 40, 40) },
    { element: shape(B, "data_store", "DB", ZONE), layout: layout(B, 240, 40, 160, 64) },
    { element: shape(C, "external_entity", "User"), layout: layout(C, 700, 40, 150, 70) },
  ]);
  d.elements[AB] = flow(AB, A, B, "Rows");
  d.elements[BC] = flow(BC, B, C, "Report");
  d.layouts[BC] = { id: BC, x: 0, y: 0, width: 0, height: 0, points: [{ x: 600, y: 300 }] };
  d.diagrams[OTHER] = { id: OTHER, name: "Other" };
  return d;
}

let counter = 0;
const ids = () => `10000000-0000-4000-8000-${String(++counter).padStart(12, "0")}`;

function records(op: Operation): { elements: Element[]; layouts: Layout[] } {
  if (op.op !== "put") throw new Error("not a put");
  return {
    elements: op.records.flatMap((r) => (r.type === "element" ? [r.value] : [])),
    layouts: op.records.flatMap((r) => (r.type === "layout" ? [r.value] : [])),
  };
}

describe("copy", () => {
  it("takes the selected shapes and the flows between them, not flows to shapes left behind", () => {
    const payload = copyOf(doc(), DIAGRAM, [A, B], 1)!;
    expect(payload.elements.map((e) => e.id).sort()).toEqual([A, B, AB].sort());
    expect(payload.layouts.map((l) => l.id).sort()).toEqual([A, B].sort());
  });

  it("takes what a selected boundary holds", () => {
    const payload = copyOf(doc(), DIAGRAM, [ZONE], 1)!;
    expect(payload.elements.map((e) => e.id).sort()).toEqual([ZONE, A, B, AB].sort());
  });

  it("has nothing to copy for a flow alone or an empty selection", () => {
    expect(copyOf(doc(), DIAGRAM, [AB], 1)).toBeNull();
    expect(copyOf(doc(), DIAGRAM, [], 1)).toBeNull();
  });
});

describe("paste", () => {
  it("makes new ids, keeps relative positions, boundaries and flows, steps away from the originals", () => {
    const d = doc();
    const { op, ids: made } = pasteOp(d, DIAGRAM, copyOf(d, DIAGRAM, [ZONE], 1)!, ids);
    const { elements, layouts } = records(op);
    expect(made).toHaveLength(4);
    expect(elements.every((e) => !d.elements[e.id] && e.diagram === DIAGRAM)).toBe(true);
    const byName = new Map(elements.map((e) => [e.name, e]));
    // Names already in the diagram get "copy".
    expect([...byName.keys()].sort()).toEqual(["API copy", "DB copy", "Rows copy", "Zone copy"]);
    const zone = byName.get("Zone copy")!;
    expect(byName.get("API copy")!.parent).toBe(zone.id);
    expect(byName.get("DB copy")!.parent).toBe(zone.id);
    expect(byName.get("Rows copy")!.properties).toMatchObject({ source: byName.get("API copy")!.id, target: byName.get("DB copy")!.id });
    const at = new Map(layouts.map((l) => [l.id, l]));
    expect(at.get(zone.id)).toMatchObject({ x: PASTE_STEP, y: PASTE_STEP, width: 500, height: 400 });
    expect(at.get(byName.get("API copy")!.id)).toMatchObject({ x: 40 + PASTE_STEP, y: 40 + PASTE_STEP });
  });

  it("steps further for each paste already there", () => {
    const d = doc();
    const payload = copyOf(d, DIAGRAM, [C], 1)!;
    const first = pasteOp(d, DIAGRAM, payload, ids);
    const [copy] = records(first.op).elements;
    d.elements[copy!.id] = copy!;
    d.layouts[copy!.id] = records(first.op).layouts[0]!;
    const second = records(pasteOp(d, DIAGRAM, payload, ids).op);
    expect(second.layouts[0]).toMatchObject({ x: 700 + 2 * PASTE_STEP, y: 40 + 2 * PASTE_STEP });
    expect(second.elements[0]!.name).toBe("User copy 2");
  });

  it("into another diagram keeps names and places, and drops the old boundary", () => {
    const d = doc();
    const { op } = pasteOp(d, OTHER, copyOf(d, DIAGRAM, [A, B], 1)!, ids);
    const { elements, layouts } = records(op);
    expect(elements.map((e) => [e.name, e.diagram, e.parent])).toEqual(
      expect.arrayContaining([
        ["API", OTHER, null],
        ["DB", OTHER, null],
        ["Rows", OTHER, null],
      ]),
    );
    expect(layouts.find((l) => l.width === 120)).toMatchObject({ x: 40, y: 40 });
  });

  it("puts shapes whose boundary stayed behind into the boundary they land in", () => {
    const d = doc();
    // C sits outside the zone; pasted with a big offset it would not land inside, so move it there first.
    const payload = copyOf(d, DIAGRAM, [C], 1)!;
    payload.layouts = [{ ...payload.layouts[0]!, x: 100, y: 200 }];
    const { elements } = records(pasteOp(d, DIAGRAM, payload, ids).op);
    expect(elements[0]!.parent).toBe(ZONE);
  });

  it("moves a flow's bend points with it", () => {
    const d = doc();
    const { op } = pasteOp(d, OTHER, copyOf(d, DIAGRAM, [B, C], 1)!, ids);
    const bent = records(op).layouts.find((l) => l.points?.length);
    expect(bent?.points).toEqual([{ x: 600, y: 300 }]);
  });
});

describe("the clipboard text", () => {
  it("round-trips and rejects anything else", () => {
    const payload = copyOf(doc(), DIAGRAM, [A], 5)!;
    expect(parse(serialize(payload))).toEqual(payload);
    for (const text of ["", "hello", "{}", "[]", '{"format":"rampart/elements","copied":1,"elements":[{}],"layouts":[]}', '{"format":"other","copied":1,"elements":[],"layouts":[]}']) {
      expect(parse(text)).toBeNull();
    }
  });

  it("the newer copy wins between the system clipboard and the window's", () => {
    const older = copyOf(doc(), DIAGRAM, [A], 1)!;
    const newer = copyOf(doc(), DIAGRAM, [B], 2)!;
    expect(newest(older, newer)).toBe(newer);
    expect(newest(newer, older)).toBe(newer);
    expect(newest(null, older)).toBe(older);
    expect(newest(older, null)).toBe(older);
  });
});
