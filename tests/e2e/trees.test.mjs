// Issue 6 in the real app: an attack tree built from scratch with the keyboard (Tab adds a
// child, Enter a sibling, typing names), leaf costs set in the inspector, the cheapest path
// lit, a countermeasure toggled and the cheapest cost moving, an attacker profile,
// presentation mode; and every value the app shows equals `rampart analyze --format json`
// for the file it saved.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freshHome, launch, screenshot, waitForCount } from "./app.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(ROOT, "target/debug/rampart");
const CARD = '[data-testid="tree-node"]';
const KEY = { tab: "\uE004", enter: "\uE007", escape: "\uE00C", right: "\uE014", end: "\uE010", f5: "\uE035" };
const DIAGRAM = "0193a6f0-7c00-7000-8000-00000000e001";
const API = "0193a6f0-7c00-7000-8000-000000000002";

function writeModel(home) {
  const file = path.join(home, "shop.rampart.json");
  writeFileSync(
    file,
    JSON.stringify({
      format: "rampart",
      format_version: 1,
      metadata: { name: "Shop", currency: "EUR" },
      diagrams: [{ id: DIAGRAM, name: "Shop" }],
      elements: [{ id: API, diagram: DIAGRAM, name: "Shop API", properties: { kind: "process" } }],
      layout: [{ id: API, x: 100, y: 100, width: 120, height: 120 }],
    }),
  );
  return file;
}

/** The cards on the canvas: id, label, lit, and the values the engine gave. */
async function cards(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('[data-testid="tree-node"]')].map((c) => ({
      id: c.dataset.id,
      label: c.querySelector('[data-testid="tree-node-label"]')?.textContent.replace("⛨ ", "") ?? "",
      role: c.dataset.role,
      lit: c.dataset.lit === "true",
      cost: c.dataset.cost === "" ? null : Number(c.dataset.cost),
      probability: c.dataset.probability === "" ? null : Number(c.dataset.probability),
      time: c.dataset.time === "" ? null : Number(c.dataset.time),
      skill: c.dataset.skill === "" ? null : Number(c.dataset.skill),
    })),
  );
}

async function card(browser, label) {
  const all = await cards(browser);
  const found = all.find((c) => c.label === label);
  if (!found) throw new Error(`no node “${label}” among ${JSON.stringify(all.map((c) => c.label))}`);
  return browser.$(`${CARD}[data-id="${found.id}"]`);
}

// WebKitWebDriver drops the second of two spaces sent as key actions, so the keys start a
// rename and the rest of a name goes in through the field's own Send Keys.

/** Type a name: the first key opens the selected node's rename field (or replaces the field's selected text); Enter commits. */
async function typeName(browser, name) {
  await browser.keys([name[0]]);
  const input = await browser.$('[data-testid="rename-input"]');
  await input.waitForExist({ timeout: 5000 });
  await input.addValue(name.slice(1));
  await browser.keys([KEY.enter]);
  await browser.$('[data-testid="rename-input"]').waitForExist({ reverse: true, timeout: 5000 });
}

/** Name the node a key just added: its rename field is open with the default name selected, so typing replaces it. */
async function nameNew(browser, name) {
  await browser.$('[data-testid="rename-input"]').waitForExist({ timeout: 5000, timeoutMsg: "no rename field for the new node" });
  await typeName(browser, name);
  await browser.waitUntil(async () => (await cards(browser)).some((c) => c.label === name), { timeout: 5000, timeoutMsg: `“${name}” never appeared` });
}

async function setCost(browser, label, cost) {
  await (await card(browser, label)).click();
  const input = await browser.$('[data-testid="attr-cost"] input');
  await input.click();
  await input.setValue(String(cost));
  // Leaving the field (Tab to the next one) sends it.
  await browser.keys([KEY.tab]);
  await browser.waitUntil(async () => (await cards(browser)).find((c) => c.label === label)?.cost === cost, {
    timeout: 5000,
    timeoutMsg: `the cost of “${label}” did not become ${cost}`,
  });
}

/** Text without the spaces a locale may put between a currency sign and its number. */
const plain = (text) => text.replace(/€\s/g, "€");

async function cheapest(browser) {
  const text = await (await browser.$('[data-testid="tree-cheapest-cost"]')).getAttribute("data-cost");
  return text === "" ? null : Number(text);
}

function cliTree(model) {
  const out = JSON.parse(execFileSync(CLI, ["analyze", model, "--format", "json"], { encoding: "utf8" }));
  assert.equal(out.trees.length, 1);
  return out.trees[0];
}

/** Every node the app shows carries the CLI's numbers for the saved file. */
async function assertSameAsCli(browser, model) {
  const tree = cliTree(model);
  const byId = new Map(tree.nodes.map((n) => [n.id, n]));
  for (const c of await cards(browser)) {
    const n = byId.get(c.id);
    assert.ok(n, `the CLI knows node “${c.label}”`);
    assert.equal(c.label, n.label);
    if (c.role === "attack") {
      assert.deepEqual([c.cost, c.probability, c.time, c.skill], [n.min_cost, n.max_probability, n.min_time, n.min_skill], `values of “${c.label}”`);
    }
  }
  assert.equal(await cheapest(browser), tree.cheapest_cost, "the cheapest cost");
  return tree;
}

/**
 * Open the one-process model, add an attack tree and name its goal: the goal is selected
 * and the canvas has the keyboard, so typing renames it. Returns the app, its browser and
 * the path of the saved model.
 */
async function newTree(goal) {
  const home = freshHome();
  const app = await launch(home, [writeModel(home)]);
  try {
    const { browser } = app;
    await waitForCount(browser, '[data-testid="node"]', 1);
    const model = await (await browser.$('[data-testid="model-path"]')).getProperty("textContent");
    await (await browser.$('[data-testid="add-tree"]')).click();
    await waitForCount(browser, CARD, 1);
    await typeName(browser, goal);
    return { app, browser, model };
  } catch (e) {
    await app.quit();
    throw e;
  }
}

test("an attack tree built with the keyboard: cheapest path lit, a countermeasure moves it, presented, and the CLI agrees", async () => {
  const { app, browser, model } = await newTree("Steal customer data");
  try {
    await browser.waitUntil(async () => (await cards(browser))[0]?.label === "Steal customer data", { timeout: 5000, timeoutMsg: "the goal was not renamed" });

    await browser.keys([KEY.tab]);
    await nameNew(browser, "Phish an admin");
    await browser.keys([KEY.enter]);
    await nameNew(browser, "Bribe an insider");
    await browser.keys([KEY.enter]);
    await nameNew(browser, "Exploit the API");
    await browser.keys([KEY.tab]);
    await nameNew(browser, "Find an injection");
    await browser.keys([KEY.enter]);
    await nameNew(browser, "Dump the database");
    await waitForCount(browser, CARD, 6);

    // "Exploit the API" is a sequence: find the injection, then dump the database.
    await (await card(browser, "Exploit the API")).click();
    await (await browser.$('[data-testid="node-gate"] [data-value="sand"]')).click();
    await browser.$('[data-testid="gate"][data-gate="sand"]').waitForExist({ timeout: 5000, timeoutMsg: "no SAND gate drawn" });

    await setCost(browser, "Phish an admin", 500);
    await setCost(browser, "Bribe an insider", 2000);
    await setCost(browser, "Find an injection", 300);
    await setCost(browser, "Dump the database", 100);

    // The cheapest way in: the API exploit, 300 + 100.
    await browser.waitUntil(async () => (await cheapest(browser)) === 400, { timeout: 5000, timeoutMsg: "the cheapest cost is not 400" });
    const lit = (await cards(browser)).filter((c) => c.lit).map((c) => c.label).sort();
    assert.deepEqual(lit, ["Dump the database", "Exploit the API", "Find an injection", "Steal customer data"]);
    await assertSameAsCli(browser, model);

    // A web application firewall against the injection: in place, the cheapest way moves to phishing.
    await (await card(browser, "Find an injection")).click();
    await (await browser.$('[data-testid="add-countermeasure"]')).click();
    await nameNew(browser, "Web application firewall");
    await (await (await card(browser, "Web application firewall")).$('[data-testid="cm-implemented"]')).click();
    await browser.waitUntil(async () => (await cheapest(browser)) === 500, { timeout: 5000, timeoutMsg: "the cheapest cost did not move to 500" });
    assert.match(plain(await (await browser.$('[data-testid="cost-change"]')).getProperty("textContent")), /^was €400, now €500$/);
    const litNow = (await cards(browser)).filter((c) => c.lit).map((c) => c.label).sort();
    assert.deepEqual(litNow, ["Phish an admin", "Steal customer data"]);
    const tree = await assertSameAsCli(browser, model);
    assert.deepEqual(tree.cheapest_scenario, ["Phish an admin"]);
    await screenshot(browser, "trees-editor");

    // An attacker with €450 cannot afford phishing or bribery: the goal is out of reach, as the CLI says.
    await (await browser.$('[data-testid="profile-budget"]')).setValue("450");
    const verdict = await browser.$('[data-testid="profile-verdict"]');
    await verdict.waitForExist({ timeout: 5000, timeoutMsg: "no verdict for the attacker profile" });
    assert.equal(await verdict.getProperty("textContent"), "This attacker cannot reach the goal.");
    const limited = JSON.parse(execFileSync(CLI, ["analyze", model, "--format", "json", "--budget", "450"], { encoding: "utf8" })).trees[0];
    assert.equal(limited.profile.reachable, false);
    const within = await browser.execute(() => Object.fromEntries([...document.querySelectorAll('[data-testid="tree-node"][data-role="attack"]')].map((c) => [c.dataset.id, c.dataset.within])));
    for (const n of limited.nodes.filter((n) => n.role === "attack")) assert.equal(within[n.id], String(n.within_profile), `within the profile: ${n.label}`);
    // Emptied as a user would (WebDriver's clear sends no input event to React): select the number, Backspace.
    await (await browser.$('[data-testid="profile-budget"]')).doubleClick();
    await browser.keys(["\uE003"]);
    await verdict.waitForExist({ reverse: true, timeout: 5000 });

    // Presentation: F5, the step revealed with the arrow key, a summary in euros.
    await browser.keys([KEY.f5]);
    await browser.$('[data-testid="slide-title"]').waitForExist({ timeout: 5000, timeoutMsg: "F5 did not start the presentation" });
    await screenshot(browser, "trees-presentation-title");
    await browser.keys([KEY.right]);
    await browser.$('[data-testid="revealed-step"]').waitForExist({ timeout: 5000 });
    await browser.keys([KEY.end]);
    const summary = await browser.$('[data-testid="summary-line"]');
    await summary.waitForExist({ timeout: 5000 });
    assert.equal(plain(await summary.getProperty("textContent")), "The cheapest way in costs €500 and takes an unknown time.");
    assert.equal(
      plain(await (await browser.$('[data-testid="summary-control"]')).getProperty("textContent")),
      "“Web application firewall” is already in place: without it, the cheapest way in would cost €400.",
    );
    await screenshot(browser, "trees-presentation-summary");
    await browser.keys([KEY.escape]);
    await browser.$('[data-testid="presentation"]').waitForExist({ reverse: true, timeout: 5000 });

    // Undo goes through the engine: the firewall is out of place again. (The keyboard back on the tree first.)
    await (await card(browser, "Steal customer data")).click();
    await browser.performActions([{ type: "key", id: "kb", actions: [{ type: "keyDown", value: "\uE009" }, { type: "keyDown", value: "z" }, { type: "keyUp", value: "z" }, { type: "keyUp", value: "\uE009" }] }]);
    await browser.releaseActions();
    await browser.waitUntil(async () => (await cheapest(browser)) === 400, { timeout: 5000, timeoutMsg: "undo did not bring back 400" });
    await assertSameAsCli(browser, model);
  } finally {
    await app.quit();
  }
});

test("a 30-node tree from scratch with the keyboard alone", async () => {
  const { app, browser, model } = await newTree("Take over the shop");
  try {
    const started = Date.now();
    // Five branches of five steps (the last of four): Tab goes down a level, Enter adds a sibling, ↑ climbs back.
    for (let b = 1; b <= 5; b++) {
      await browser.keys([b === 1 ? KEY.tab : KEY.enter]);
      await nameNew(browser, `Branch ${b}`);
      for (let s = 1; s <= (b === 5 ? 4 : 5); s++) {
        await browser.keys([s === 1 ? KEY.tab : KEY.enter]);
        await nameNew(browser, `Step ${b}.${s}`);
      }
      await browser.keys(["\uE013"]);
    }
    // The canvas draws only what is near the view; the file says what was made.
    await browser.waitUntil(async () => (await cards(browser)).some((c) => c.label === "Step 5.4"), { timeout: 5000, timeoutMsg: "the last step is not drawn" });
    console.log(`# 29 nodes added and named with the keyboard in ${Date.now() - started} ms (WebDriver round trips included)`);
    await screenshot(browser, "trees-30-nodes");

    const tree = cliTree(model);
    assert.equal(tree.nodes.length, 30, "the saved file holds the 30 nodes");
    const labels = tree.nodes.map((n) => n.label);
    assert.equal(labels[0], "Take over the shop");
    assert.deepEqual(labels.slice(1, 7), ["Branch 1", "Step 1.1", "Step 1.2", "Step 1.3", "Step 1.4", "Step 1.5"], "reading order: each branch, then its steps");
    assert.deepEqual(labels.slice(-5), ["Branch 5", "Step 5.1", "Step 5.2", "Step 5.3", "Step 5.4"]);
  } finally {
    await app.quit();
  }
});
