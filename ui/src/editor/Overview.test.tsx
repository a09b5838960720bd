import { afterEach, describe, expect, it, vi } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";

import type { Document } from "../api/bindings/Document";
import { useUi } from "../state/ui";
import { DIAGRAM, documentWith, layout, shape } from "../test/fixtures";
import { Canvas } from "./Canvas";

const view = { fitView: () => undefined, find: () => undefined, showShortcuts: () => undefined, autoLayout: () => undefined };
const id = (n: number) => `0a000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** `count` processes in a row. */
function row(count: number): Document {
  return documentWith(Array.from({ length: count }, (_, i) => ({ element: shape(id(i), "process", `P${i}`), layout: layout(id(i), i * 200, 0) })));
}

let zoomTo: (zoom: number) => Promise<void> = async () => undefined;
let toScreen: (p: { x: number; y: number }) => { x: number; y: number } = (p) => p;
function ZoomControl() {
  const flow = useReactFlow();
  toScreen = flow.flowToScreenPosition;
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

  it("selects a shape clicked in the overview and zooms in on it", async () => {
    show(row(310));
    await zoomTo(0.3);
    // P5 spans x 1000-1120, y 0-120.
    const at = toScreen({ x: 1060, y: 60 });
    await act(async () => {
      fireEvent.click(document.querySelector(".react-flow__pane")!, { clientX: at.x, clientY: at.y });
    });
    expect(useUi.getState().selection).toEqual([id(5)]);
    await waitFor(() => expect(screen.queryByTestId("overview")).toBeNull(), { timeout: 3000 });
  }, 30000);

  it("is never used for a small diagram", async () => {
    show(row(20));
    await zoomTo(0.1);
    expect(screen.queryByTestId("overview")).toBeNull();
    expect(screen.getAllByTestId("node")).toHaveLength(20);
  });
});
