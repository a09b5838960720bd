import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import { ReactFlowProvider } from "@xyflow/react";

import { DIAGRAM, documentWith, layout, shape } from "../test/fixtures";
import type { Annotations } from "./badges";
import { Canvas, deriveNodes } from "./Canvas";
import type { ShapeNode } from "./nodes";

const A = "0a000000-0000-4000-8000-00000000000a";
const B = "0b000000-0000-4000-8000-00000000000b";
const view = { fitView: () => undefined, find: () => undefined, showShortcuts: () => undefined, autoLayout: () => undefined };

const doc = documentWith([
  { element: shape(A, "process", "API"), layout: layout(A, 0, 0) },
  { element: shape(B, "data_store", "DB"), layout: layout(B, 300, 0, 160, 64) },
]);

describe("badges", () => {
  it("show the threat count in the colour of the highest severity, and the findings", () => {
    const annotations: Annotations = new Map([[A, { threats: { count: 3, highest: "Critical" }, findings: { count: 1, highest: "warning" } }]]);
    render(
      <ReactFlowProvider>
        <Canvas doc={doc} diagram={DIAGRAM} view={view} annotations={annotations} />
      </ReactFlowProvider>,
    );
    const api = screen.getAllByTestId("node").find((n) => n.dataset.id === A)!;
    const threat = within(api).getByTestId("threat-badge");
    expect(threat.textContent).toBe("3");
    expect(threat.className).toContain("badge--critical");
    expect(threat.getAttribute("title")).toBe("3 open threats, the highest Critical");
    expect(within(api).getByTestId("finding-badge").getAttribute("title")).toBe("1 validation finding");
    const db = screen.getAllByTestId("node").find((n) => n.dataset.id === B)!;
    expect(within(db).queryByTestId("badges")).toBeNull();
  });

  it("are drawn only when the canvas is given annotations", () => {
    render(
      <ReactFlowProvider>
        <Canvas doc={doc} diagram={DIAGRAM} view={view} />
      </ReactFlowProvider>,
    );
    expect(screen.getAllByTestId("node")).toHaveLength(2);
    expect(screen.queryByTestId("badges")).toBeNull();
  });

  it("new annotations redraw only the shapes they change", () => {
    const cache = new Map<string, ShapeNode>();
    const first = new Map([[A, { threats: { count: 1, highest: "Low" as const } }]]);
    const before = deriveNodes(doc, DIAGRAM, new Set(), {}, cache, first);
    const after = deriveNodes(doc, DIAGRAM, new Set(), {}, cache, new Map([[A, { threats: { count: 2, highest: "High" as const } }]]));
    const at = (nodes: ShapeNode[], id: string) => nodes.find((n) => n.id === id)!;
    expect(at(after, B)).toBe(at(before, B));
    expect(at(after, A)).not.toBe(at(before, A));
    expect(at(after, A).data.annotation).toEqual({ threats: { count: 2, highest: "High" } });
  });
});
