import { describe, expect, it } from "vitest";

import type { Applied } from "../api/bindings/Applied";
import type { Patch } from "../api/bindings/Patch";
import { documentWith, emptyDocument, layout, shape, snapshot } from "../test/fixtures";
import { applyPatch, useModel } from "./model";

const A = "0a000000-0000-4000-8000-00000000000a";
const B = "0b000000-0000-4000-8000-00000000000b";

describe("applyPatch", () => {
  it("puts a created record under its key", () => {
    const doc = emptyDocument();
    const element = shape(A, "process", "API");
    const patch: Patch = {
      changes: [
        { key: { kind: "element", id: A }, before: null, after: { type: "element", value: element } },
        { key: { kind: "layout", id: A }, before: null, after: { type: "layout", value: layout(A, 10, 20) } },
      ],
    };
    const next = applyPatch(doc, patch);
    expect(next.elements[A]).toEqual(element);
    expect(next.layouts[A]).toEqual({ id: A, x: 10, y: 20, width: 120, height: 120 });
    // The input is not changed, and untouched sections keep their identity.
    expect(doc.elements[A]).toBeUndefined();
    expect(next.threats).toBe(doc.threats);
  });

  it("replaces a changed record and removes a deleted one", () => {
    const doc = documentWith([
      { element: shape(A, "process", "API"), layout: layout(A, 0, 0) },
      { element: shape(B, "data_store", "DB"), layout: layout(B, 200, 0, 160, 64) },
    ]);
    const renamed = { ...shape(A, "process", "Gateway") };
    const patch: Patch = {
      changes: [
        { key: { kind: "element", id: A }, before: { type: "element", value: doc.elements[A]! }, after: { type: "element", value: renamed } },
        { key: { kind: "element", id: B }, before: { type: "element", value: doc.elements[B]! }, after: null },
        { key: { kind: "layout", id: B }, before: { type: "layout", value: doc.layouts[B]! }, after: null },
      ],
    };
    const next = applyPatch(doc, patch);
    expect(next.elements[A]?.name).toBe("Gateway");
    expect(B in next.elements).toBe(false);
    expect(B in next.layouts).toBe(false);
    expect(next.layouts[A]).toEqual(doc.layouts[A]);
  });

  it("files every kind of record under its section", () => {
    const doc = emptyDocument();
    const next = applyPatch(doc, {
      changes: [
        {
          key: { kind: "attack_tree", id: "t" },
          before: null,
          after: { type: "attack_tree", value: { id: "t", name: "Steal cards", description: "", root: "n" } },
        },
        {
          key: { kind: "mitigation", id: "m" },
          before: null,
          after: { type: "mitigation", value: { id: "m", name: "TLS", description: "", status: "Proposed" } },
        },
      ],
    });
    expect(next.attack_trees["t"]?.name).toBe("Steal cards");
    expect(next.mitigations["m"]?.name).toBe("TLS");
    expect(next.elements).toBe(doc.elements);
  });

  it("replaces the metadata", () => {
    const doc = emptyDocument("Old");
    const next = applyPatch(doc, {
      changes: [
        {
          key: { kind: "metadata", id: "00000000-0000-0000-0000-000000000000" },
          before: { type: "metadata", value: doc.metadata },
          after: { type: "metadata", value: { ...doc.metadata, name: "New" } },
        },
      ],
    });
    expect(next.metadata.name).toBe("New");
  });
});

describe("the model store", () => {
  it("is replaced by a snapshot, then follows applied patches and history", () => {
    const first = snapshot(documentWith([{ element: shape(A, "process", "API"), layout: layout(A, 0, 0) }]));
    useModel.getState().load(first);
    expect(useModel.getState().model).toBe(first);

    const second = snapshot(emptyDocument("Other"));
    useModel.getState().load(second);
    expect(useModel.getState().model?.document.elements).toEqual({});
    expect(useModel.getState().model?.document.metadata.name).toBe("Other");

    const applied: Applied = {
      patch: {
        changes: [{ key: { kind: "element", id: B }, before: null, after: { type: "element", value: shape(B, "process", "Worker") } }],
      },
      history: { undo: "Add process “Worker”", redo: null },
      tree: null,
    };
    useModel.getState().applied(applied);
    const model = useModel.getState().model!;
    expect(model.document.elements[B]?.name).toBe("Worker");
    expect(model.history).toEqual({ undo: "Add process “Worker”", redo: null });
    expect(model.path).toBe(second.path);

    useModel.getState().clear();
    expect(useModel.getState().model).toBeNull();
  });
});
