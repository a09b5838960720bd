// Issues 4 and 7 in the real app: each kind added from the palette, a shape dragged into a
// trust boundary (the model's containment changes, and undo puts it back), the diagram
// exported as SVG, and the model as a PDF report (Letter, chosen sections), both through
// the native save dialog; poppler reads the PDF back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { click, freshHome, launch, screenshot, waitForCount } from "./app.mjs";
import { answerFileDialog } from "./dialogs.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = path.join(ROOT, "target/debug/rampart");
const NODE = '[data-testid="node"]';

/** The saved model as canonical JSON, read by the CLI from the file the app writes. */
function saved(model, home) {
  const out = path.join(home, `saved-${Date.now()}.rampart.json`);
  execFileSync(CLI, ["convert", model, "-o", out], { stdio: "pipe" });
  return JSON.parse(readFileSync(out, "utf8"));
}

const byName = (doc, name) => doc.elements.find((e) => e.name === name);

/** Window rectangle of the shape named `name`. */
async function rectOf(browser, name) {
  return browser.execute((wanted) => {
    const node = [...document.querySelectorAll('[data-testid="node"]')].find((n) => n.querySelector('[data-testid="node-label"]').textContent === wanted);
    const r = node.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  }, name);
}

test("every kind from the palette, a drag into a boundary, and the SVG export", async () => {
  const home = freshHome();
  const app = await launch(home);
  try {
    const { browser } = app;
    await click(browser, "new-model");
    for (const kind of ["trust_boundary", "external_entity", "process", "data_store"]) await click(browser, `palette-${kind}`);
    await waitForCount(browser, NODE, 4);
    const kinds = await browser.execute(() => [...document.querySelectorAll('[data-testid="node"]')].map((n) => n.dataset.kind).sort());
    assert.deepEqual(kinds, ["data_store", "external_entity", "process", "trust_boundary"]);
    const model = await (await browser.$('[data-testid="model-path"]')).getProperty("textContent");
    assert.equal(byName(saved(model, home), "Process 1").parent, null, "the new process starts outside the boundary");

    // Drag the process into the middle of the boundary.
    const boundary = await rectOf(browser, "Trust boundary 1");
    const process = await rectOf(browser, "Process 1");
    const from = { x: Math.round(process.x + process.width / 2), y: Math.round(process.y + process.height / 2) };
    const to = { x: Math.round(boundary.x + boundary.width / 2), y: Math.round(boundary.y + boundary.height / 2) };
    await browser.performActions([
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [
          { type: "pointerMove", ...from, duration: 0 },
          { type: "pointerDown", button: 0 },
          { type: "pointerMove", x: Math.round((from.x + to.x) / 2), y: Math.round((from.y + to.y) / 2), duration: 150 },
          { type: "pointerMove", ...to, duration: 150 },
          { type: "pointerUp", button: 0 },
        ],
      },
    ]);
    await browser.releaseActions();
    const boundaryId = () => byName(saved(model, home), "Trust boundary 1").id;
    await browser.waitUntil(async () => byName(saved(model, home), "Process 1").parent === boundaryId(), {
      timeout: 10000,
      timeoutMsg: "the process was not put inside the boundary",
    });
    await screenshot(browser, "diagram-contained");

    // One undo takes it out again: the move and the containment were one step.
    await click(browser, "undo");
    await browser.waitUntil(async () => byName(saved(model, home), "Process 1").parent === null, { timeout: 10000, timeoutMsg: "undo left the process inside" });
    await click(browser, "redo");
    await browser.waitUntil(async () => byName(saved(model, home), "Process 1").parent === boundaryId(), { timeout: 10000, timeoutMsg: "redo did not put it back" });

    // File > Diagram as SVG…, answered in the native dialog.
    const svg = path.join(home, "diagram.svg");
    await click(browser, "file-menu");
    await click(browser, "export-svg");
    await answerFileDialog("Export", svg);
    await browser.waitUntil(async () => existsSync(svg) && (await (await browser.$('[data-testid="status"]')).getProperty("textContent")).startsWith("Exported"), {
      timeout: 15000,
      timeoutMsg: "the SVG was not written",
    });
    const drawing = readFileSync(svg, "utf8");
    assert.match(drawing, /^<svg|^<\?xml/);
    for (const name of ["Trust boundary 1", "External entity 1", "Process 1", "Data store 1"]) assert.ok(drawing.includes(name), `the SVG shows ${name}`);
    assert.match(drawing, /stroke-dasharray/, "the boundary is drawn dashed, as on screen");

    // File > Report as PDF…: Letter paper, without the element inventory.
    const pdf = path.join(home, "report.pdf");
    await click(browser, "file-menu");
    await click(browser, "export-pdf");
    await (await browser.$('[data-testid="report-dialog"]')).waitForExist({ timeout: 5000 });
    await click(browser, "report-paper-letter");
    await click(browser, "report-export");
    await answerFileDialog("Export", pdf);
    await browser.waitUntil(async () => existsSync(pdf) && (await (await browser.$('[data-testid="status"]')).getProperty("textContent")).startsWith("Exported"), {
      timeout: 30000,
      timeoutMsg: "the PDF was not written",
    });
    const info = execFileSync("pdfinfo", [pdf], { encoding: "utf8" });
    assert.match(info, /Page size:\s+612 x 792(\.\d+)? pts \(letter\)/, "Letter paper as chosen");
    const words = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    for (const name of ["Process 1", "External entity 1", "Threat register"]) assert.ok(words.includes(name), `the PDF says ${name}`);
  } finally {
    await app.quit();
  }
});
