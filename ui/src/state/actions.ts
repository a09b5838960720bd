// What the UI asks of the engine, and how the answers reach the mirror. Every request goes
// through one queue, so answers are applied in the order the requests were made. A failure
// is shown in the error banner, never swallowed.

import * as client from "../api/client";
import type { Applied } from "../api/bindings/Applied";
import type { Document } from "../api/bindings/Document";
import type { ExportRequest } from "../api/bindings/ExportRequest";
import type { Operation } from "../api/bindings/Operation";
import type { Snapshot } from "../api/bindings/Snapshot";
import type { TreeUpdate } from "../api/bindings/TreeUpdate";
import type { TreeView } from "../api/bindings/TreeView";
import { refreshAnalysis, resetAnalysis } from "./analysis";
import { errorMessage } from "./errors";
import { newId } from "./ids";
import { useModel } from "./model";
import { useUi } from "./ui";

let queue: Promise<unknown> = Promise.resolve();

/** Run `task` after every earlier request has been answered. */
function enqueue<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}


/** Run a request; on failure show the message and resolve to undefined. */
async function attempt<T>(task: () => Promise<T>): Promise<T | undefined> {
  try {
    return await enqueue(task);
  } catch (e) {
    useUi.getState().showError(errorMessage(e));
    return undefined;
  }
}

export function elementCount(doc: Document): string {
  const n = Object.keys(doc.elements).length;
  return `${n} ${n === 1 ? "element" : "elements"}`;
}

function showModel(snapshot: Snapshot, verb: string) {
  const ui = useUi.getState();
  ui.reset();
  ui.dismissError();
  useModel.getState().load(snapshot);
  ui.setStatus(`${verb} · ${elementCount(snapshot.document)}`);
  resetAnalysis();
  void refreshAnalysis();
}

/** A view that wants its attack tree analysed with every edit, undo and redo (the tree editor). */
export interface TreeWatcher {
  /** The tree shown, or null. */
  view(): TreeView | null;
  /** The analysis that came with an edit; null when the engine could not give it. */
  receive(update: TreeUpdate | null): void;
}

let watcher: TreeWatcher | null = null;

/** Set (or clear) the view analysed with each edit. */
export function watchTree(w: TreeWatcher | null) {
  watcher = w;
}

function saved(applied: Applied, asked: TreeView | null) {
  useModel.getState().applied(applied);
  if (asked) watcher?.receive(applied.tree);
  if (applied.patch.changes.length > 0) void refreshAnalysis();
  const model = useModel.getState().model;
  if (model) useUi.getState().setStatus(`Saved · ${elementCount(model.document)}`);
}

/** Run `request` in turn and show the model it answers with, if any. */
async function show(request: () => Promise<Snapshot | null>, verb: string): Promise<void> {
  await attempt(async () => {
    const snapshot = await request();
    if (snapshot) showModel(snapshot, verb);
  });
}

/** Show the model the window already has open, if any. */
export const loadCurrent = () => show(client.currentModel, "Opened");
export const newModel = () => show(client.newModel, "New model");
/** What "Open / Import…" reads besides Rampart's own files. */
export const IMPORT_FORMATS = "Threat Dragon, Microsoft Threat Modeling Tool, Threagile, Threat Composer, OTM and ADTool";

/** Open (or import) a model picked in the native dialog, and say what an import left out. */
export async function openModel(): Promise<void> {
  await attempt(async () => {
    const opened = await client.openModelDialog();
    if (!opened) return;
    const { snapshot, source, warnings } = opened;
    showModel(snapshot, source ? "Imported" : "Opened");
    if (source || warnings.length > 0) {
      useUi.getState().showNotice({
        title: source
          ? `Imported from ${source} into ${snapshot.path}.${warnings.length ? " Not everything could be carried over:" : ""}`
          : "Not everything in this file could be read:",
        lines: warnings,
      });
    }
  });
}
export const openRecent = (path: string) => show(() => client.openRecent(path), "Opened");

export async function saveAs(): Promise<void> {
  await attempt(async () => {
    const snapshot = await client.saveAsDialog();
    if (!snapshot) return;
    useModel.getState().load(snapshot);
    useUi.getState().setStatus(`Saved as ${snapshot.path}`);
  });
}

/** Export through the native save dialog, and say what the format could not carry. */
export async function exportModel(request: ExportRequest): Promise<void> {
  await attempt(async () => {
    const saved = await client.exportDialog(request);
    if (!saved) return;
    const ui = useUi.getState();
    ui.setStatus(`Exported to ${saved.path}`);
    if (saved.warnings.length > 0) {
      ui.showNotice({ title: `Exported to ${saved.path}. The format could not carry:`, lines: saved.warnings });
    }
  });
}

export async function closeModel(): Promise<void> {
  await attempt(async () => {
    await client.closeModel();
    resetAnalysis();
    useModel.getState().clear();
    useUi.getState().reset();
  });
}

/** An operation, or a function that builds it from the mirror as it is when its turn comes. */
export type OpSource = Operation | (() => Operation | null);

/**
 * Send one operation. Resolves to true once its patch is in the mirror, false if the
 * engine refused it (the error banner then says why) or there was nothing to send.
 *
 * A function is called only when every earlier request has been answered, so that an
 * operation built from the mirror (a default name, a free spot) sees their results.
 */
export async function apply(source: OpSource, coalesce: string | null = null): Promise<boolean> {
  const applied = await attempt(async () => {
    const op = typeof source === "function" ? source() : source;
    if (!op) return null;
    const view = watcher?.view() ?? null;
    const answer = await client.apply(op, coalesce, view);
    // Into the mirror before the next request is built.
    saved(answer, view);
    return answer;
  });
  return !!applied;
}

/**
 * Send operations that make one undo step (one coalesce key), e.g. a move and the change of
 * boundary it causes. Stops at the first one the engine refuses; resolves to whether all
 * were applied.
 */
export async function applySteps(ops: Operation[]): Promise<boolean> {
  const key = newId();
  for (const op of ops) if (!(await apply(op, key))) return false;
  return ops.length > 0;
}

export async function undo(): Promise<void> {
  const applied = await attempt(async () => {
    const view = watcher?.view() ?? null;
    const answer = await client.undo(view);
    if (answer) saved(answer, view);
    return answer;
  });
  if (applied === null) useUi.getState().setStatus("Nothing to undo");
}

export async function redo(): Promise<void> {
  const applied = await attempt(async () => {
    const view = watcher?.view() ?? null;
    const answer = await client.redo(view);
    if (answer) saved(answer, view);
    return answer;
  });
  if (applied === null) useUi.getState().setStatus("Nothing to redo");
}
