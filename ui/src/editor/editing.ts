// Commands on the selection: copy, cut, paste, duplicate, align, distribute, move into or
// out of a boundary; and the automatic layout of the diagram. Each reads the mirror when
// its request is sent and sends one undo step; after a paste the selection holds the copy.

import type { Document } from "../api/bindings/Document";
import type { Operation } from "../api/bindings/Operation";
import { apply, applySteps } from "../state/actions";
import { errorMessage } from "../state/errors";
import { useUi } from "../state/ui";
import { alignOp, distributeOp, type Alignment, type Axis } from "./arrange";
import { autoLayoutOp } from "./autoLayout";
import { copyOf, pasteOp, type Payload } from "./clipboard";
import { openDiagram } from "./commands";
import { moveIntoOps, moveOutOps } from "./moves";

/** Copy the selection into the window's clipboard; the payload, for the system clipboard too. */
export function copySelection(): Payload | null {
  const open = openDiagram();
  if (!open) return null;
  const payload = copyOf(open.doc, open.diagram, useUi.getState().selection);
  if (payload) useUi.getState().setClipboard(payload);
  return payload;
}

/** Copy the selection, then delete what was copied (one operation, sent in turn). */
export function cutSelection(): Payload | null {
  const payload = copySelection();
  if (payload) {
    const keys = payload.elements.map((e) => ({ kind: "element" as const, id: e.id }));
    void apply({ op: "delete", keys }).then((ok) => ok && useUi.getState().setSelection([]));
  }
  return payload;
}

/** Paste a copy into the diagram on screen and select it. */
export async function paste(payload: Payload): Promise<void> {
  let pasted: string[] = [];
  const ok = await apply(() => {
    const open = openDiagram();
    if (!open) return null;
    const { op, ids } = pasteOp(open.doc, open.diagram, payload);
    pasted = ids;
    return op;
  });
  if (ok) useUi.getState().setSelection(pasted);
}

/** A copy of the selection next to it, without touching the clipboard. */
export async function duplicateSelection(): Promise<void> {
  const open = openDiagram();
  const payload = open && copyOf(open.doc, open.diagram, useUi.getState().selection);
  if (payload) await paste(payload);
}

/** Send an arrangement of the selection, built from the mirror when its turn comes. */
async function arrange(build: (doc: Document, diagram: string, selection: string[]) => Operation | null): Promise<void> {
  await apply(() => {
    const open = openDiagram();
    return open ? build(open.doc, open.diagram, useUi.getState().selection) : null;
  });
}

export const alignSelection = (how: Alignment) => arrange((doc, diagram, ids) => alignOp(doc, diagram, ids, how));
export const distributeSelection = (axis: Axis) => arrange((doc, diagram, ids) => distributeOp(doc, diagram, ids, axis));

/** Move the selected shapes into `boundary`. */
export async function moveSelectionInto(boundary: string): Promise<void> {
  const open = openDiagram();
  if (open) await applySteps(moveIntoOps(open.doc, open.diagram, useUi.getState().selection, boundary));
}

/** Move the selected shapes out of the boundary that holds them. */
export async function moveSelectionOut(): Promise<void> {
  const open = openDiagram();
  if (open) await applySteps(moveOutOps(open.doc, open.diagram, useUi.getState().selection));
}

/** Lay the diagram on screen out automatically (one undo step). */
export async function autoLayout(): Promise<boolean> {
  const open = openDiagram();
  if (!open) return false;
  let op: Operation | null;
  try {
    op = await autoLayoutOp(open.doc, open.diagram);
  } catch (e) {
    useUi.getState().showError(`The automatic layout failed: ${errorMessage(e)}`);
    return false;
  }
  return op ? apply(op) : false;
}
