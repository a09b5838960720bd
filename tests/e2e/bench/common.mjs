// What the app benchmarks share: generating their big model, and timing the app's commands
// from inside the webview.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** A model written by `scripts/<script>` into a fresh temporary folder. */
export function generatedModel(script, name) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "rampart-bench-")), name);
  const run = spawnSync(process.execPath, [path.join(ROOT, "scripts", script), file], { stdio: "inherit" });
  if (run.status !== 0) throw new Error(`${script} failed`);
  return file;
}

/**
 * Runs in the webview: Tauri's IPC goes through fetch on this platform, so wrapping fetch
 * times every command. `window.__ipcSince(t)` describes the commands started at or after
 * `t` (a `performance.now()`), relative to it.
 */
export function timeIpc() {
  const calls = [];
  const fetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const start = performance.now();
    try {
      return await fetch(input, init);
    } finally {
      const url = String(input?.url ?? input);
      if (url.startsWith("ipc:") || url.includes("/ipc/")) calls.push({ cmd: url.split("/").pop(), start, ms: performance.now() - start });
    }
  };
  window.__ipcSince = (t) =>
    calls
      .filter((c) => c.start >= t)
      .map((c) => `${c.cmd} at ${Math.round(c.start - t)} took ${Math.round(c.ms)}`)
      .join("; ");
}
