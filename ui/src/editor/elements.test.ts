import { afterEach, describe, expect, it, vi } from "vitest";

import { DIAGRAM, documentWith, layout, shape } from "../test/fixtures";
import { addFlowOp, defaultName, firstDiagramId, newId } from "./elements";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("new elements", () => {
  it("get random v4 ids, with or without crypto.randomUUID", () => {
    expect(newId()).toMatch(UUID_V4);
    const real = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: <T extends ArrayBufferView>(a: T) => real.getRandomValues(a as never) as T });
    const a = newId();
    const b = newId();
    expect(a).toMatch(UUID_V4);
    expect(a).not.toBe(b);
  });

  it("get the first unused '<Kind> N' name of their diagram", () => {
    const doc = documentWith([
      { element: shape("p1", "process", "Process 1"), layout: layout("p1", 0, 0) },
      { element: shape("p3", "process", "Process 3"), layout: layout("p3", 0, 0) },
      { element: shape("s1", "data_store", "Ledger"), layout: layout("s1", 0, 0) },
    ]);
    expect(defaultName(doc, DIAGRAM, "process")).toBe("Process 4");
    expect(defaultName(doc, DIAGRAM, "data_store")).toBe("Data store 2");
    expect(defaultName(doc, DIAGRAM, "external_entity")).toBe("External entity 1");
  });

  it("a flow is one element record with both ends and no parent", () => {
    const doc = documentWith([]);
    const { op, id } = addFlowOp(doc, DIAGRAM, "a", "b", "f");
    expect(id).toBe("f");
    expect(op).toMatchObject({
      op: "put",
      records: [{ type: "element", value: { id: "f", name: "Flow 1", parent: null, properties: { kind: "data_flow", source: "a", target: "b" } } }],
    });
  });

  it("the editor shows the first diagram by id", () => {
    const doc = documentWith([]);
    doc.diagrams["ffffffff-0000-4000-8000-000000000000"] = { id: "ffffffff-0000-4000-8000-000000000000", name: "Later" };
    doc.diagrams["00000000-0000-4000-8000-000000000000"] = { id: "00000000-0000-4000-8000-000000000000", name: "First" };
    expect(firstDiagramId(doc)).toBe("00000000-0000-4000-8000-000000000000");
    expect(firstDiagramId({ ...doc, diagrams: {} })).toBeNull();
  });
});
