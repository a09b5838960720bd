// Issue 2's end-to-end test: create a model, add three elements and two flows, undo one,
// quit, start the app again, open the model from the recent files, and find the same
// diagram, with undo still working after the restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import { freshHome, launch, screenshot, waitForCount } from "./app.mjs";

const NODE = '[data-testid="node"]';
const EDGE = ".react-flow__edge";

async function labels(browser) {
  const texts = [];
  for (const node of await browser.$$('[data-testid="node-label"]')) texts.push(await node.getProperty("textContent"));
  return texts.sort();
}

/** Select `first`, then add `second` to the selection (Ctrl+click), then connect. */
async function connect(browser, first, second) {
  await first.click();
  await browser.performActions([{ type: "key", id: "kb", actions: [{ type: "keyDown", value: "\uE009" }] }]);
  await second.click();
  await browser.performActions([{ type: "key", id: "kb", actions: [{ type: "keyUp", value: "\uE009" }] }]);
  await browser.releaseActions();
  const button = await browser.$('[data-testid="connect-selected"]');
  await button.waitForEnabled({ timeout: 5000 });
  await button.click();
}

test("a diagram drawn, partly undone, survives quitting and reopening the app", async () => {
  const home = freshHome();
  let app = await launch(home);
  try {
    const { browser } = app;
    await (await browser.$('[data-testid="new-model"]')).click();
    for (const kind of ["external_entity", "process", "data_store"]) {
      await (await browser.$(`[data-testid="palette-${kind}"]`)).click();
    }
    const [entity, process, store] = await waitForCount(browser, NODE, 3);
    assert.equal(await entity.getAttribute("data-kind"), "external_entity");
    assert.equal(await process.getAttribute("data-kind"), "process");
    assert.equal(await store.getAttribute("data-kind"), "data_store");

    await connect(browser, entity, process);
    await waitForCount(browser, EDGE, 1);
    await connect(browser, process, store);
    await waitForCount(browser, EDGE, 2);

    await (await browser.$('[data-testid="undo"]')).click();
    await waitForCount(browser, EDGE, 1);
    await waitForCount(browser, NODE, 3);
    await screenshot(browser, "persistence-before-quit");
  } finally {
    await app.quit();
  }

  app = await launch(home);
  try {
    const { browser } = app;
    const recent = await waitForCount(browser, '[data-testid="recent-file"]', 1);
    assert.match(await recent[0].getAttribute("data-path"), /Documents\/Rampart\/Untitled model\.rampart$/);
    await recent[0].click();
    await waitForCount(browser, NODE, 3);
    await waitForCount(browser, EDGE, 1);
    // React Flow shows nodes once it has measured them: wait until the labels are visible.
    const expected = ["Data store 1", "External entity 1", "Process 1"];
    let seen = [];
    await browser.waitUntil(async () => (seen = await labels(browser)).join() === expected.join(), {
      timeout: 10000,
      timeoutMsg: `labels on the canvas: ${JSON.stringify(seen)}`,
    });
    await screenshot(browser, "persistence-after-reopen");

    // The history survived the restart: undo removes the remaining flow, redo brings it back.
    await (await browser.$('[data-testid="undo"]')).click();
    await waitForCount(browser, EDGE, 0);
    await (await browser.$('[data-testid="redo"]')).click();
    await waitForCount(browser, EDGE, 1);
  } finally {
    await app.quit();
  }
});
