// ELK, the layout engine, runs in a web worker. That keeps the window responsive while it
// works, and it must: ELK's compiled code assigns `toString` on objects, which fails under
// the frozen Object.prototype of the app's window (Tauri's freezePrototype), but not in a
// worker, which has a global scope of its own.

import ELK from "elkjs/lib/elk-api.js";
import workerUrl from "elkjs/lib/elk-worker.min.js?url";

let engine: InstanceType<typeof ELK> | null = null;

/** The one ELK of the window, started on first use. */
export function layoutEngine(): InstanceType<typeof ELK> {
  engine ??= new ELK({ workerUrl });
  return engine;
}
