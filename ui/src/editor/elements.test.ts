import { describe, expect, it } from "vitest";

import { newId } from "../state/ids";
import { DIAGRAM, documentWith, layout, shape } from "../test/fixtures";
import { addFlowOp, defaultName, shownDiagram } from "./elements";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("new elements", () => {
  it("get v7 ids that sort in the order they were made", () => {
    const a = newId(1_750_000_000_000);
    const b = newId(1_750_000_000_001);
    expect(a).toMatch(UUID_V7);
    expect(b).toMatch(UUID_V7);
    expect(a < b).toBe(true);
    expect(a.slice(0, 13)).toBe("01977420-dc00");
    expect(newId()).not.toBe(newId());
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

  it("the editor shows the picked diagram while it exists, else the first by id", () => {
    const doc = documentWith([]);
    const later = "ffffffff-0000-4000-8000-000000000000";
    doc.diagrams[later] = { id: later, name: "Later" };
    expect(shownDiagram(doc, null)).toBe(DIAGRAM);
    expect(shownDiagram(doc, later)).toBe(later);
    expect(shownDiagram(doc, "gone")).toBe(DIAGRAM);
    expect(shownDiagram({ ...doc, diagrams: {} }, later)).toBeNull();
  });
});
