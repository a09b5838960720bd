// Issue 6's target in the real app: editing a leaf in a 5,000-node attack tree updates the
// canvas values within 50 ms.
//
//   node tests/e2e/bench/tree.bench.mjs [MODEL.rampart.json]   (scripts/bench-app.sh tree runs it)
//
// Without MODEL it generates one with scripts/gen-large-tree.mjs. Not a test file: it
// measures rather than checks.
//
// Each edit happens inside the webview, as a user's would: a step's card is pressed, a new
// cost typed into the inspector's cost field, and the field left. The time runs from
// leaving the field until the step's card shows the engine's new value, and until a frame
// with it has been drawn. The app's commands are timed from the page too (Tauri's IPC goes
// through fetch), to tell the model's write, the analysis and the UI apart.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { freshHome, launch, OUT } from "../app.mjs";
import { generatedModel, timeIpc } from "./common.mjs";

const EDITS = 10;

/** Runs in the webview: the measuring helpers, on `window.__treeBench`. */
function installHelpers() {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  /** Resolves once the frame after the current one has been drawn. */
  const drawn = () =>
    new Promise((resolve) =>
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve(performance.now());
        channel.port2.postMessage(null);
      }),
    );
  const setValue = (input, value) => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(input, value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };

  window.__treeBench = {
    /** Edit the cost of the `index`th step card on screen; the timings of the edit. */
    async edit(index, cost) {
      const steps = [...document.querySelectorAll('[data-testid="tree-node"].tnode--leaf[data-role="attack"]')];
      const card = steps[index % steps.length];
      card.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
      let input = null;
      for (let i = 0; i < 100 && !input; i += 1) {
        await frame();
        input = card.classList.contains("is-selected") ? document.querySelector('[data-testid="attr-cost"] input') : null;
      }
      if (!input) throw new Error("the step's cost field never showed");
      input.focus();
      setValue(input, String(cost));
      await frame();
      return new Promise((resolve) => {
        let start = 0;
        const observer = new MutationObserver(() => {
          if (card.dataset.cost !== String(cost)) return;
          observer.disconnect();
          const shown = performance.now() - start;
          void drawn().then((t) => {
            resolve({ shown, drawn: t - start, calls: window.__ipcSince(start) });
          });
        });
        observer.observe(card, { attributes: true, attributeFilter: ["data-cost"] });
        start = performance.now();
        input.blur();
      });
    },
  };
}

const round = (v) => Math.round(v * 10) / 10;
const log = (message) => console.error(`[tree] ${message}`);

async function main() {
  const model = process.argv[2] ?? generatedModel("gen-large-tree.mjs", "tree.rampart.json");
  const started = Date.now();
  const app = await launch(freshHome(), [model]);
  const { browser } = app;
  const results = { model: path.basename(model), edits: [] };
  try {
    await (await browser.$('[data-testid="tree-tab"]')).waitForExist({ timeout: 120000 });
    await (await browser.$('[data-testid="tree-tab"]')).click();
    await browser.waitUntil(async () => browser.execute(() => document.querySelector('[data-testid="tree-node"][data-cost]:not([data-cost=""])') !== null), {
      timeout: 300000,
      interval: 200,
      timeoutMsg: "the tree's values never showed",
    });
    results.openSeconds = (Date.now() - started) / 1000;
    results.cards = await browser.execute(() => document.querySelectorAll('[data-testid="tree-node"]').length);
    log(`tree shown in ${round(results.openSeconds)} s with ${results.cards} cards drawn`);
    await browser.pause(2000);
    await browser.execute(timeIpc);
    await browser.execute(installHelpers);
    await browser.setTimeout({ script: 60000 });
    for (let i = 0; i < EDITS; i += 1) {
      const edit = await browser.executeAsync((index, cost, done) => void window.__treeBench.edit(index, cost).then(done, (e) => done({ error: String(e) })), i * 3 + 2, 1234 + i);
      if (edit.error) throw new Error(edit.error);
      log(`edit ${i + 1}: shown after ${round(edit.shown)} ms, drawn after ${round(edit.drawn)} ms; ${edit.calls}`);
      results.edits.push(edit);
      await browser.pause(500);
    }
  } finally {
    await app.quit();
  }
  const sorted = (key) => results.edits.map((e) => e[key]).sort((a, b) => a - b);
  const median = (xs) => xs[Math.floor(xs.length / 2)];
  const shown = sorted("shown");
  const drawnTimes = sorted("drawn");
  console.log(
    `model ${results.model}: ${EDITS} leaf edits; card shows the new value after ${round(shown[0])}-${round(shown.at(-1))} ms (median ${round(median(shown))}), drawn after ${round(drawnTimes[0])}-${round(drawnTimes.at(-1))} ms (median ${round(median(drawnTimes))})`,
  );
  writeFileSync(path.join(OUT, "tree-bench.json"), `${JSON.stringify(results, null, 2)}\n`);
}

try {
  await main();
} catch (e) {
  console.error(`tree benchmark failed: ${e.message.split("\n")[0]}`);
  process.exit(1);
}
