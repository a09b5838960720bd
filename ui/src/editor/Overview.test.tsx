import { afterEach, describe, expect, it, vi } from "vitest";
import { act, render, screen } from "@testing-library/react";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";

import type { Document } from "../api/bindings/Document";
import { DIAGRAM, documentWith, layout, shape } from "../test/fixtures";
import { Canvas } from "./Canvas";

const view = { fitView: () => undefined, find: () => undefined, showShortcuts: () => undefined, autoLayout: () => undefined };
const id = (n: number) => `0a000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** `count` processes in a row. */
function row(count: number): Document {
  return documentWith(Array.from({ length: count }, (_, i) => ({ element: shape(id(i), "process", `P${i}`), layout: layout(id(i), i * 200, 0) })));
}

let zoomTo: (zoom: number) => Promise<void> = async () => undefined;
function ZoomControl() {
  const flow = useReactFlow();
  zoomTo = async (zoom) => {
    await act(async () => {
      await flow.setViewport({ x: 0, y: 0, zoom });
    });
  };
  return null;
}

function show(doc: Document) {
  // jsdom draws nothing on a <canvas>; the overview then only sizes it.
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
  render(
    <ReactFlowProvider>
      <ZoomControl />
      <Canvas doc={doc} diagram={DIAGRAM} view={view} />
    </ReactFlowProvider>,
  );
}

afterEach(() => vi.restoreAllMocks());

describe("the overview of a big diagram", () => {
  it("replaces the shapes when zoomed out, and gives them back when zoomed in", async () => {
    show(row(310)); // more than 300 shapes and flows: big
    await zoomTo(0.3);
    expect(screen.getByTestId("overview")).toBeTruthy();
    expect(screen.queryAllByTestId("node")).toHaveLength(0);
    await zoomTo(1);
    expect(screen.queryByTestId("overview")).toBeNull();
    expect(screen.queryAllByTestId("node").length).toBeGreaterThan(0);
  }, 30000); // 310 shapes in jsdom take seconds on a loaded machine

  it("is never used for a small diagram", async () => {
    show(row(20));
    await zoomTo(0.1);
    expect(screen.queryByTestId("overview")).toBeNull();
    expect(screen.getAllByTestId("node")).toHaveLength(20);
  });
});
