// Issue 4's scale target in the real webview: a DFD with 2,000 elements and 3,000 flows pans
// and zooms at >= 50 frames per second, and adding one element shows within 50 ms.
//
//   node tests/e2e/bench/scale.bench.mjs [MODEL.rampart.json]   (scripts/bench-app.sh scale runs it)
//
// Without MODEL it generates one with scripts/gen-large-model.mjs. Not a test file (node
// --test finds *.test.mjs), because it measures rather than checks, and takes a minute.
//
// Frame times come from requestAnimationFrame inside the webview: each frame sends the next
// input event (a mouse drag for panning, a wheel event for zooming) to React Flow's pane the
// way the real ones arrive, and the time between frames is how long the webview took to
// handle the event and draw. The add latency runs from a click on the palette until the new
// shape is in the DOM and one frame has been drawn with it.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { freshHome, launch, OUT } from "../app.mjs";
import { generatedModel, timeIpc } from "./common.mjs";

const FRAMES = 120;
const ADDS = 5;
// Some WebKitGTK settings make the web process grow without bound on a big diagram (under
// Xvfb, the DMABUF renderer reached 23 GB in a minute); stop before the machine runs out.
const MAX_RSS_MB = 4096;

/** Runs in the webview: the measuring helpers, on `window.__scaleBench`. */
function installHelpers() {
  const pane = () => document.querySelector(".react-flow__pane");
  const middle = () => {
    const r = pane().getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  };
  const mouse = (type, at) =>
    pane().dispatchEvent(new MouseEvent(type, { clientX: at.x, clientY: at.y, button: 0, buttons: type === "mouseup" ? 0 : 1, bubbles: true, cancelable: true, view: window }));
  const wheel = (deltaY, at) => pane().dispatchEvent(new WheelEvent("wheel", { deltaY, deltaMode: 0, clientX: at.x, clientY: at.y, bubbles: true, cancelable: true, view: window }));
  // React Flow zooms by 2^(-deltaY * 0.002) per wheel event in pixel mode.
  const WHEEL_RATE = 0.002;

  /** How long each frame's input event took to handle (the script's part of the frame), in ms. */
  let scriptMs = [];

  /** Call `step(i)` at the start of each of `count` frames; the time between frames, in ms. */
  const frames = (count, step) =>
    new Promise((resolve) => {
      const times = [];
      let last = null;
      let i = 0;
      const frame = (t) => {
        if (last !== null) times.push(t - last);
        last = t;
        if (i === count) return resolve(times);
        const before = performance.now();
        step(i);
        scriptMs.push(performance.now() - before);
        i += 1;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });
  const settle = (ms) => new Promise((r) => setTimeout(r, ms));

  window.__scaleBench = {
    currentZoom() {
      const m = /scale\(([^)]+)\)/.exec(document.querySelector(".react-flow__viewport").style.transform);
      return m ? Number(m[1]) : NaN;
    },
    /** The mean time spent handling input per frame since the last call. */
    scriptPerFrame() {
      const mean = scriptMs.reduce((a, b) => a + b, 0) / Math.max(1, scriptMs.length);
      scriptMs = [];
      return mean;
    },
    counts() {
      return { nodes: document.querySelectorAll(".react-flow__node").length, edges: document.querySelectorAll(".react-flow__edge").length };
    },
    /** Drag the background along a figure eight that ends where it began. */
    async pan(count) {
      const at = middle();
      mouse("mousedown", at);
      const times = await frames(count, (i) => {
        const a = (2 * Math.PI * (i + 1)) / count;
        mouse("mousemove", { x: at.x + 300 * Math.sin(a), y: at.y + 150 * Math.sin(2 * a) });
      });
      mouse("mouseup", at);
      await settle(300);
      return times;
    },
    /** Wheel `count` / 2 steps one way and as many back, about the pane's middle. */
    async zoom(count, deltaY) {
      const at = middle();
      const times = await frames(count, (i) => wheel(i < count / 2 ? deltaY : -deltaY, at));
      await settle(400);
      return times;
    },
    async zoomTo(k) {
      wheel(-Math.log2(k / this.currentZoom()) / WHEEL_RATE, middle());
      await settle(600);
      return this.currentZoom();
    },
    /** Click the palette's `kind` and time the new shape: in the DOM, and drawn (a frame later). */
    addOne(kind) {
      const layer = document.querySelector(".react-flow__nodes");
      return new Promise((resolve) => {
        let start = 0;
        const observer = new MutationObserver((mutations) => {
          const added = mutations.some((m) => [...m.addedNodes].some((n) => n.classList?.contains("react-flow__node")));
          if (!added) return;
          observer.disconnect();
          const inDom = performance.now() - start;
          requestAnimationFrame(() => {
            // A message posted from the frame callback is handled once that frame is drawn.
            const channel = new MessageChannel();
            channel.port1.onmessage = () =>
              resolve({
                inDom,
                drawn: performance.now() - start,
                calls: window.__ipcSince(start),
              });
            channel.port2.postMessage(null);
          });
        });
        observer.observe(layer, { childList: true });
        start = performance.now();
        document.querySelector(`[data-testid="palette-${kind}"]`).click();
      });
    },
  };
}

/** The ids of this process's descendants (tauri-driver, WebKitWebDriver, the app, its web process). */
function descendants(pid) {
  const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Kill what this benchmark started if any of it uses more than MAX_RSS_MB of memory. */
function guardMemory() {
  return setInterval(() => {
    for (const pid of descendants(process.pid)) {
      try {
        const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
        if (rss <= MAX_RSS_MB) continue;
        console.error(`process ${pid} uses ${Math.round(rss)} MB: stopping the benchmark`);
        for (const p of descendants(process.pid)) process.kill(p, "SIGKILL");
        process.exit(1);
      } catch {
        // gone meanwhile
      }
    }
  }, 1000);
}

function frameStats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((s, t) => s + t, 0) / times.length;
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  return { fps: 1000 / mean, meanMs: mean, p95Ms: p95, worstMs: sorted.at(-1), frames: times.length };
}

const round = (v) => Math.round(v * 10) / 10;

/**
 * Run `window.__scaleBench[method](...args)` and wait for its answer. It is polled rather than
 * awaited in one request because a slow canvas takes longer than WebDriver's HTTP timeout.
 */
async function run(browser, method, ...args) {
  await browser.execute(
    (m, a) => {
      const bench = window.__scaleBench;
      bench.answer = null;
      void bench[m](...a).then((value) => (bench.answer = { value }));
    },
    method,
    args,
  );
  let answer;
  // WebDriver answers null for undefined: the answer is wrapped so that it can be anything.
  await browser.waitUntil(async () => (answer = await browser.execute(() => window.__scaleBench.answer)) !== null, {
    timeout: 600000,
    interval: 1000,
  });
  return answer.value;
}

const log = (message) => console.error(`[scale] ${message}`);

async function main() {
  const model = process.argv[2] ?? generatedModel("gen-large-model.mjs", "large.rampart.json");
  const started = Date.now();
  const guard = guardMemory();
  const app = await launch(freshHome(), [model]);
  const { browser } = app;
  const results = { model: path.basename(model), env: webkitEnv(), levels: [], adds: [] };
  try {
    // The diagram is drawn as shapes, or as the overview of a big diagram when zoomed out.
    await browser.waitUntil(async () => (await browser.execute(() => document.querySelectorAll(".react-flow__node, .overview").length)) > 0, {
      timeout: 300000,
      interval: 1000,
      timeoutMsg: "the model's shapes never showed",
    });
    results.openSeconds = (Date.now() - started) / 1000;
    log(`opened in ${round(results.openSeconds)} s`);
    await browser.setTimeout({ script: 120000 }); // one frame of a slow canvas can take seconds
    await browser.pause(2000);
    await browser.execute(timeIpc);
    await browser.execute(installHelpers);

    const fitZoom = await browser.execute(() => window.__scaleBench.currentZoom());
    // Fit, the most zoomed-out view; 55%, near the farthest a big diagram is drawn in full
    // (below 50% the overview takes over); 100%. Zooming goes in first and back, except at 100%.
    const levels = [
      { name: "fit", zoom: fitZoom, wheel: -20 },
      { name: "55%", zoom: 0.55, wheel: -20 },
      { name: "100%", zoom: 1, wheel: 20 },
    ];
    for (const level of levels) {
      const zoom = await run(browser, "zoomTo", level.zoom);
      const counts = await browser.execute(() => window.__scaleBench.counts());
      log(`${level.name}: zoom ${zoom}, ${counts.nodes} nodes and ${counts.edges} edges in the DOM; panning`);
      await run(browser, "pan", 20); // warm-up
      await browser.execute(() => window.__scaleBench.scriptPerFrame());
      const pan = frameStats(await run(browser, "pan", FRAMES));
      pan.inputMs = await browser.execute(() => window.__scaleBench.scriptPerFrame());
      log(`${level.name}: zooming`);
      const wheel = frameStats(await run(browser, "zoom", FRAMES, level.wheel));
      wheel.inputMs = await browser.execute(() => window.__scaleBench.scriptPerFrame());
      results.levels.push({ level: level.name, zoom, counts, gestures: { pan, zoom: wheel } });
    }
    for (let i = 0; i < ADDS; i += 1) {
      log(`adding ${i + 1} of ${ADDS}`);
      const add = await run(browser, "addOne", "process");
      log(`in the DOM after ${round(add.inDom)} ms, drawn after ${round(add.drawn)} ms; ${add.calls}`);
      results.adds.push(add);
      await browser.pause(700);
    }
  } finally {
    await app.quit();
    clearInterval(guard);
  }
  report(results);
}

function webkitEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("WEBKIT_")));
}

function report(results) {
  const lines = [`model ${results.model}; opened in ${round(results.openSeconds)} s; WebKit env ${JSON.stringify(results.env)}`];
  lines.push("| view | zoom | DOM nodes / edges | gesture | fps (mean) | p95 frame | worst frame | input handling per frame |", "|---|---|---|---|---|---|---|---|");
  for (const l of results.levels) {
    for (const [gesture, s] of Object.entries(l.gestures)) {
      lines.push(`| ${l.level} | ${round(l.zoom * 100) / 100} | ${l.counts.nodes} / ${l.counts.edges} | ${gesture} | ${round(s.fps)} | ${round(s.p95Ms)} ms | ${round(s.worstMs)} ms | ${round(s.inputMs)} ms |`);
    }
  }
  const drawn = results.adds.map((a) => a.drawn).sort((a, b) => a - b);
  lines.push(
    `add one process (${results.adds.length}×): in the DOM ${results.adds.map((a) => round(a.inDom)).join(", ")} ms; drawn ${results.adds.map((a) => round(a.drawn)).join(", ")} ms (median ${round(drawn[Math.floor(drawn.length / 2)])}, worst ${round(drawn.at(-1))})`,
  );
  console.log(lines.join("\n"));
  writeFileSync(path.join(OUT, "scale-bench.json"), `${JSON.stringify(results, null, 2)}\n`);
}

try {
  await main();
} catch (e) {
  console.error(`scale benchmark failed: ${e.message.split("\n")[0]}`);
  process.exit(1);
}
