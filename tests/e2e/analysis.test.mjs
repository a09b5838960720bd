// Issue 5 in the real app: drawing a flow across a trust boundary makes its threats appear
// in the register, the same threats the CLI lists for the saved file; shapes carry badges;
// a finding selects its element when clicked and, dismissed with a reason, stays dismissed
// after a restart; a decision recorded on a threat is in the file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { click, freshHome, launch, screenshot, text, waitForCount } from "./app.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(ROOT, "target/debug/rampart");
const NODE = '[data-testid="node"]';
const ROW = '[data-testid="threat-row"]';
const CTRL = "\uE009";
const DIAGRAM = "0193a6f0-7c00-7000-8000-00000000e001";
const id = (n) => `0193a6f0-7c00-7000-8000-${String(n).padStart(12, "0")}`;
const element = (n, kind, name, parent = null, extra = {}) => ({ id: id(n), diagram: DIAGRAM, name, parent, properties: { kind, ...extra } });

/** A data centre boundary with an API and a lone batch job inside, and a customer outside. */
function writeModel(home) {
  const file = path.join(home, "payments.rampart.json");
  writeFileSync(
    file,
    JSON.stringify({
      format: "rampart",
      format_version: 1,
      metadata: { name: "Payments", currency: "EUR" },
      diagrams: [{ id: DIAGRAM, name: "Payments" }],
      elements: [
        element(1, "trust_boundary", "Data centre"),
        element(2, "process", "Payments API", id(1)),
        element(3, "external_entity", "Customer"),
        element(4, "process", "Batch job", id(1)),
      ],
      layout: [
        { id: id(1), x: 300, y: 0, width: 420, height: 360 },
        { id: id(2), x: 360, y: 60, width: 120, height: 120 },
        { id: id(3), x: 0, y: 90, width: 150, height: 70 },
        { id: id(4), x: 560, y: 200, width: 120, height: 120 },
      ],
    }),
  );
  return file;
}

async function nodeNamed(browser, name) {
  for (const node of await browser.$$(NODE)) {
    if ((await (await node.$('[data-testid="node-label"]')).getProperty("textContent")) === name) return node;
  }
  throw new Error(`no shape named ${name}`);
}

/** The register's rows: threat id and the text of each cell. */
async function rows(browser) {
  return browser.execute(() => [...document.querySelectorAll('[data-testid="threat-row"]')].map((r) => ({ id: r.dataset.threat, cells: [...r.cells].map((c) => c.textContent) })));
}

function cliThreats(model) {
  return JSON.parse(execFileSync(CLI, ["threats", model, "--format", "json"], { encoding: "utf8" })).threats;
}

test("a flow across a boundary brings its threats into the register; findings, dismissals and decisions are kept", async () => {
  const home = freshHome();
  let app = await launch(home, [writeModel(home)]);
  let model;
  try {
    const { browser } = app;
    await waitForCount(browser, NODE, 4);
    model = await text(browser, "model-path");
    assert.match(model, /\.rampart$/, "the JSON model was converted into a .rampart file");

    // Badges: the lone batch job has a finding, the customer has threats of its own.
    const batch = await nodeNamed(browser, "Batch job");
    await batch.$('[data-testid="finding-badge"]').waitForExist({ timeout: 10000, timeoutMsg: "no finding badge on the lone batch job" });
    assert.ok(await (await nodeNamed(browser, "Customer")).$('[data-testid="threat-badge"]').isExisting(), "the customer carries a threat badge");

    await click(browser, "threats-button");
    await browser.waitUntil(async () => (await rows(browser)).length > 0, { timeout: 10000, timeoutMsg: "the register stayed empty" });
    const before = new Set((await rows(browser)).map((r) => r.id));

    // Draw Customer -> Payments API: it enters the data centre.
    await (await nodeNamed(browser, "Customer")).click();
    await browser.performActions([{ type: "key", id: "kb", actions: [{ type: "keyDown", value: CTRL }] }]);
    await (await nodeNamed(browser, "Payments API")).click();
    await browser.performActions([{ type: "key", id: "kb", actions: [{ type: "keyUp", value: CTRL }] }]);
    await browser.releaseActions();
    const started = Date.now();
    await click(browser, "connect-selected");
    await browser.waitUntil(async () => (await rows(browser)).some((r) => !before.has(r.id)), { timeout: 10000, timeoutMsg: "no new threat after drawing the flow" });
    console.log(`# new threats listed ${Date.now() - started} ms after the Connect click (WebDriver round trips included)`);
    const after = await rows(browser);
    const added = after.filter((r) => !before.has(r.id));
    const flowName = (await browser.$$(".flow__label"))[0] ? await (await browser.$(".flow__label")).getProperty("textContent") : "";
    assert.ok(added.some((r) => r.cells[3] && flowName.includes(r.cells[3])), `a new threat is against the new flow (${flowName}): ${JSON.stringify(added.map((r) => r.cells[3]))}`);
    await screenshot(browser, "analysis-register");

    // The CLI reads the same threats from the file the app saved.
    const cli = cliThreats(model);
    assert.deepEqual(new Set(cli.map((t) => t.id)), new Set(after.map((r) => r.id)), "the app's register and `rampart threats` list the same threats");

    // Decide on the first (riskiest) threat.
    const [top] = after;
    await (await browser.$(`[data-threat="${top.id}"] [data-testid="threat-title"]`)).click();
    const decision = await browser.$('[data-testid="threat-decision"] select');
    await decision.selectByVisibleText("Accept");
    await browser.waitUntil(async () => (await (await browser.$(`[data-threat="${top.id}"]`)).getProperty("textContent")).includes("Accept"), {
      timeout: 10000,
      timeoutMsg: "the register did not show the decision",
    });

    // The finding about the batch job: a click selects it; a dismissal takes it off the list.
    await click(browser, "panel-tab-findings");
    let at = -1;
    await browser.waitUntil(
      async () => (at = await browser.execute(() => [...document.querySelectorAll('[data-testid="finding"]')].findIndex((f) => f.textContent.includes("Batch job")))) >= 0,
      { timeout: 5000, timeoutMsg: "no finding about the batch job" },
    );
    const finding = (await browser.$$('[data-testid="finding"]'))[at];
    await (await finding.$('[data-testid="finding-message"]')).click();
    await browser.waitUntil(async () => (await text(browser, "inspector-title")) === "Process", { timeout: 5000, timeoutMsg: "the finding did not select its element" });
    await (await finding.$('[data-testid="dismiss-finding"]')).click();
    await (await browser.$('[data-testid="dismiss-reason"]')).setValue("runs from cron, no network flows");
    await click(browser, "dismiss-confirm");
    await browser.waitUntil(async () => !(await (await nodeNamed(browser, "Batch job")).$('[data-testid="finding-badge"]').isExisting()), {
      timeout: 10000,
      timeoutMsg: "the finding badge stayed after the dismissal",
    });
  } finally {
    await app.quit();
  }

  // Both decisions are in the file: the CLI sees the acceptance, the app the dismissal.
  assert.ok(cliThreats(model).some((t) => t.decision === "Accept"), "the decision is saved");
  app = await launch(home, [model]);
  try {
    const { browser } = app;
    await waitForCount(browser, NODE, 4);
    await click(browser, "findings-button");
    await click(browser, "toggle-dismissed");
    const dismissed = await browser.$('[data-testid="dismissed-finding"]');
    assert.match(await dismissed.getProperty("textContent"), /runs from cron, no network flows/);
  } finally {
    await app.quit();
  }
});
