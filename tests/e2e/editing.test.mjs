// Issue 4's editing in the real webview: box-select with Shift+drag, copy and paste through
// the system clipboard (also into a second diagram), undo of a paste, the automatic layout
// (ELK runs in a web worker: the window's frozen Object.prototype would break it) and its
// undo, and the context menu of a flow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { click, freshHome, launch, screenshot, text, waitForCount } from "./app.mjs";

const NODE = '[data-testid="node"]';
const EDGE = ".react-flow__edge";
const CTRL = "\uE009";
const SHIFT = "\uE008";

/** Press keys together, e.g. chord(browser, CTRL, "v"). */
async function chord(browser, ...keys) {
  await browser.performActions([
    { type: "key", id: "kb", actions: [...keys.map((value) => ({ type: "keyDown", value })), ...[...keys].reverse().map((value) => ({ type: "keyUp", value }))] },
  ]);
  await browser.releaseActions();
}

/** Where the shapes are in the diagram (React Flow's transform of each node), by name. */
async function positions(browser) {
  return browser.execute(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid="node"]')].map((n) => [
        n.querySelector('[data-testid="node-label"]').textContent,
        n.closest(".react-flow__node").style.transform,
      ]),
    ),
  );
}

/** Window rectangles of the shapes, by name. */
async function shapes(browser) {
  return browser.execute(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid="node"]')].map((n) => {
        const r = n.getBoundingClientRect();
        return [n.querySelector('[data-testid="node-label"]').textContent, { x: r.x, y: r.y, width: r.width, height: r.height }];
      }),
    ),
  );
}

test("box-select, copy and paste across diagrams, undo, automatic layout, context menu", async () => {
  const app = await launch(freshHome());
  try {
    const { browser } = app;
    await click(browser, "new-model");
    for (const kind of ["trust_boundary", "external_entity", "process", "data_store"]) await click(browser, `palette-${kind}`);
    await waitForCount(browser, NODE, 4);

    // Connect the entity to the process: select one, Ctrl+click the other, Connect.
    const [boundary, entity, process] = await browser.$$(NODE);
    assert.equal(await boundary.getAttribute("data-kind"), "trust_boundary");
    await entity.click();
    await browser.performActions([{ type: "key", id: "kb", actions: [{ type: "keyDown", value: CTRL }] }]);
    await process.click();
    await browser.performActions([{ type: "key", id: "kb", actions: [{ type: "keyUp", value: CTRL }] }]);
    await browser.releaseActions();
    await click(browser, "connect-selected");
    await waitForCount(browser, EDGE, 1);

    // Shift+drag a box around the entity and the process: both, and the flow between them.
    await click(browser, "status");
    const at = await shapes(browser);
    const a = at["External entity 1"];
    const b = at["Process 1"];
    const left = Math.min(a.x, b.x) - 12;
    const top = Math.min(a.y, b.y) - 12;
    const right = Math.max(a.x + a.width, b.x + b.width) + 12;
    const bottom = Math.max(a.y + a.height, b.y + b.height) + 12;
    await browser.performActions([
      { type: "key", id: "kb", actions: [{ type: "keyDown", value: SHIFT }, { type: "pause", duration: 400 }, { type: "pause", duration: 0 }, { type: "keyUp", value: SHIFT }] },
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [
          { type: "pointerMove", x: Math.round(left), y: Math.round(top), duration: 0 },
          { type: "pointerDown", button: 0 },
          { type: "pointerMove", x: Math.round((left + right) / 2), y: Math.round((top + bottom) / 2), duration: 100 },
          { type: "pointerMove", x: Math.round(right), y: Math.round(bottom), duration: 100 },
          { type: "pointerUp", button: 0 },
        ],
      },
    ]);
    await browser.releaseActions();
    await browser.waitUntil(async () => (await text(browser, "inspector-title")) === "3 elements", {
      timeout: 5000,
      timeoutMsg: "the box did not select the two shapes and their flow",
    });

    // Copy, paste: two new shapes and their flow, in one undo step.
    await chord(browser, CTRL, "c");
    await chord(browser, CTRL, "v");
    await waitForCount(browser, NODE, 6);
    await waitForCount(browser, EDGE, 2);
    await browser.waitUntil(async () => Object.keys(await shapes(browser)).includes("Process 1 copy"), { timeout: 5000 });
    await screenshot(browser, "editing-pasted");
    await click(browser, "undo");
    await waitForCount(browser, NODE, 4);
    await waitForCount(browser, EDGE, 1);

    // A second diagram; the system clipboard still holds the copy.
    await click(browser, "add-diagram");
    await waitForCount(browser, '[data-testid="diagram-tab"]', 2);
    await waitForCount(browser, NODE, 0);
    await click(browser, "status");
    await chord(browser, CTRL, "v");
    await waitForCount(browser, NODE, 2);
    await waitForCount(browser, EDGE, 1);
    const names = Object.keys(await shapes(browser)).sort();
    assert.deepEqual(names, ["External entity 1", "Process 1"], "pasted into another diagram, the names are free");

    // Back to the first diagram: lay it out, then undo the layout in one step.
    await (await browser.$$('[data-testid="diagram-tab"]'))[0].click();
    await waitForCount(browser, NODE, 4);
    const before = await positions(browser);
    await click(browser, "auto-layout");
    await browser.waitUntil(async () => JSON.stringify(await positions(browser)) !== JSON.stringify(before), {
      timeout: 15000,
      timeoutMsg: "the automatic layout changed nothing",
    });
    assert.equal((await browser.$$('[data-testid="error"]')).length, 0, "no error banner");
    await browser.pause(500);
    await screenshot(browser, "editing-auto-layout");
    assert.match(await (await browser.$('[data-testid="undo"]')).getAttribute("title"), /^Undo Move or resize$/);
    await click(browser, "undo");
    await browser.waitUntil(async () => JSON.stringify(await positions(browser)) === JSON.stringify(before), {
      timeout: 5000,
      timeoutMsg: "undo did not put the shapes back",
    });
    // Right-click on a flow's name: its own commands. Last, because WebKitWebDriver never
    // releases a synthetic right button: pointer events stop after it.
    const flowLabel = await browser.$('[data-testid="edge-label"]');
    await flowLabel.waitForExist({ timeout: 5000 });
    await browser.performActions([
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [{ type: "pointerMove", origin: flowLabel, x: 0, y: 0 }, { type: "pointerDown", button: 2 }, { type: "pointerUp", button: 2 }],
      },
    ]);
    await browser.releaseActions();
    const menu = await browser.$('[data-testid="context-menu"]');
    await menu.waitForExist({ timeout: 5000 });
    assert.equal(await text(browser, "inspector-title"), "Flow");
    assert.match(await menu.getProperty("textContent"), /Delete/);
    await browser.keys("Escape");
    await menu.waitForExist({ reverse: true, timeout: 5000 });
  } finally {
    await app.quit();
  }
});
