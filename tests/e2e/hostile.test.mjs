// Issue 4, item 7: names and descriptions with markup, script, bidi overrides, control
// characters and a 100 KB string show as plain text on the canvas, in the tabs, in the
// inspector, in the threat register and in the findings panel, and run nothing. The model
// is built with the CLI and opened from the app's command line; hooks installed in the page
// record any alert, error or blocked script.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freshHome, launch, screenshot, waitForCount } from "./app.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const IMG = `<img src=x onerror="window.__ran.push('img onerror')">`;
const SCRIPT = `<script>window.__ran.push('script')</script>`;
const BIDI = "invoice\u202Egnp.exe\u202C \u2066isolated\u2069 \u200Fmark";
const CONTROL = "bell\u0007 escape\u001b[31m red tab\t return\r\n line feed\u000b\u000c";
const LONG = `${"A hundred kilobytes of name. ".repeat(3448)}END`;
const HANDLER = `" onmouseover="window.__ran.push('attribute')" x="`;

const DIAGRAM = "0193a6f0-7c00-7000-8000-00000000d001";
const id = (n) => `0193a6f0-7c00-7000-8000-${String(n).padStart(12, "0")}`;
const element = (n, kind, name, description, extra = {}) => ({
  id: id(n),
  diagram: DIAGRAM,
  name,
  description,
  parent: null,
  properties: { kind, ...extra },
});

const ELEMENTS = [
  element(1, "process", IMG, SCRIPT),
  element(2, "external_entity", SCRIPT, IMG),
  element(3, "data_store", BIDI, CONTROL),
  element(4, "process", CONTROL, BIDI),
  element(5, "trust_boundary", HANDLER, LONG),
  element(6, "external_entity", LONG, HANDLER),
  element(7, "data_flow", IMG + SCRIPT, LONG, { source: id(1), target: id(3) }),
];

function buildModel(home) {
  const json = path.join(home, "hostile.rampart.json");
  const model = path.join(home, "hostile.rampart");
  writeFileSync(
    json,
    JSON.stringify({
      format: "rampart",
      format_version: 1,
      metadata: { name: `${SCRIPT} model`, currency: "EUR" },
      diagrams: [{ id: DIAGRAM, name: `${IMG} diagram` }],
      elements: ELEMENTS,
      layout: [
        { id: id(5), x: 0, y: 0, width: 900, height: 620 },
        { id: id(1), x: 60, y: 80, width: 120, height: 120 },
        { id: id(2), x: 330, y: 80, width: 150, height: 70 },
        { id: id(3), x: 600, y: 80, width: 160, height: 64 },
        { id: id(4), x: 60, y: 380, width: 120, height: 120 },
        { id: id(6), x: 330, y: 400, width: 150, height: 70 },
      ],
    }),
  );
  execFileSync("cargo", ["run", "-q", "--bin", "rampart", "--", "convert", json, "-o", model], { cwd: ROOT, stdio: "pipe" });
  return model;
}

/** Record anything that runs: alerts, dialogs, errors, and scripts the page's CSP blocked. */
function installHooks() {
  window.__ran = [];
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) window[name] = () => window.__ran.push(name);
  window.onerror = (message) => window.__ran.push(`error: ${message}`);
  window.addEventListener("unhandledrejection", (e) => window.__ran.push(`rejection: ${e.reason}`));
  document.addEventListener("securitypolicyviolation", (e) => window.__ran.push(`csp: ${e.violatedDirective}`));
}

async function texts(browser, selector) {
  const out = [];
  for (const el of await browser.$$(selector)) out.push(await el.getProperty("textContent"));
  return out;
}

/** Select an element by id (a click on a 100 KB label is as good as any other, but slower to aim). */
async function select(browser, elementId) {
  await browser.execute((target) => {
    const node = [...document.querySelectorAll('[data-testid="node"]')].find((n) => n.dataset.id === target);
    node?.querySelector('[data-testid="node-label"]')?.click();
  }, elementId);
}

test("hostile names and descriptions are plain text everywhere and run nothing", async () => {
  const home = freshHome();
  const model = buildModel(home);
  const app = await launch(home, [model]);
  try {
    const { browser } = app;
    await waitForCount(browser, '[data-testid="node"]', 6, 20000);
    await browser.execute(installHooks);

    // Show the model again with the hooks in place: close it and open it from the recent list.
    await (await browser.$('[data-testid="file-menu"]')).click();
    await (await browser.$('[data-testid="close-model"]')).click();
    const [recent] = await waitForCount(browser, '[data-testid="recent-file"]', 1);
    await recent.click();
    await waitForCount(browser, '[data-testid="node"]', 6, 20000);

    const expectedShapes = ELEMENTS.filter((e) => e.properties.kind !== "data_flow").map((e) => e.name);
    let labels = [];
    await browser.waitUntil(async () => (labels = await texts(browser, '[data-testid="node-label"]')).length === 6, {
      timeout: 10000,
      timeoutMsg: `labels: ${labels.length}`,
    });
    assert.deepEqual([...labels].sort(), [...expectedShapes].sort(), "shape labels are the names, character for character");
    let flowLabels = [];
    await browser.waitUntil(async () => (flowLabels = await texts(browser, '[data-testid="edge-label"]')).length === 1, {
      timeout: 10000,
      timeoutMsg: "the flow is not drawn",
    });
    assert.deepEqual(flowLabels, [IMG + SCRIPT], "the flow's label is its name");
    assert.deepEqual(await texts(browser, '[data-testid="diagram-tab"]'), [`${IMG} diagram`], "the tab shows the diagram's name");
    assert.equal(await (await browser.$('[data-testid="model-name"]')).getProperty("textContent"), `${SCRIPT} model`);

    // The inspector shows name and description as the fields' values.
    for (const e of ELEMENTS.filter((e) => e.properties.kind !== "data_flow")) {
      await select(browser, e.id);
      const name = await browser.$('[data-testid="field-name"] input');
      // A one-line field drops line breaks from its value, as every browser does.
      const oneLine = e.name.replace(/[\r\n]/g, "");
      let shown = "";
      await browser.waitUntil(async () => (shown = await name.getProperty("value")) === oneLine, {
        timeout: 5000,
        timeoutMsg: `the inspector's name for ${e.id}: ${JSON.stringify(shown.slice(0, 200))}`,
      });
      const description = await (await browser.$('[data-testid="field-description"] textarea')).getProperty("value");
      assert.equal(description.replace(/\r\n?/g, "\n"), e.description.replace(/\r\n?/g, "\n"), `description of ${e.id}`);
    }
    await select(browser, id(1));
    await screenshot(browser, "hostile-text");

    // Threat titles and finding messages quote the names: the register and the findings
    // panel show them as text too.
    await (await browser.$('[data-testid="threats-button"]')).click();
    let titles = [];
    await browser.waitUntil(async () => (titles = await texts(browser, '[data-testid="threat-title"]')).length > 0, { timeout: 15000, timeoutMsg: "the register stayed empty" });
    assert.ok(titles.some((t) => t.includes(SCRIPT)), "a threat title quotes a hostile name as text");
    await (await browser.$('[data-testid="threat-row"] [data-testid="threat-title"]')).click();
    await (await browser.$('[data-testid="threat-details"]')).waitForExist({ timeout: 5000 });
    await (await browser.$('[data-testid="panel-tab-findings"]')).click();
    await (await browser.$('[data-testid="findings"]')).waitForExist({ timeout: 5000 });

    const report = await browser.execute(() => ({
      ran: window.__ran,
      injected: document.querySelectorAll("#root img, #root script, #root iframe, #root object, #root embed").length,
      handlers: [...document.querySelectorAll("#root *")].filter((el) => [...el.attributes].some((a) => a.name.startsWith("on"))).length,
    }));
    assert.deepEqual(report, { ran: [], injected: 0, handlers: 0 }, "nothing ran and no markup was made from the text");
  } finally {
    await app.quit();
  }
});
