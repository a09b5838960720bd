// Issue 4's navigation in the real webview, on the example model: find by name (Ctrl+F)
// centres the element, F fits the diagram, ? shows the shortcuts; and the theme follows the
// desktop's light or dark preference.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freshHome, launch, screenshot, waitForCount } from "./app.mjs";

const EXAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../examples/webshop.rampart.json");
const CTRL = "\uE009";

/** The canvas's rectangle and the shapes' rectangles, by name, in window coordinates. */
async function geometry(browser) {
  return browser.execute(() => {
    const box = (el) => {
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const shapes = {};
    for (const n of document.querySelectorAll('[data-testid="node"]')) shapes[n.querySelector('[data-testid="node-label"]').textContent] = box(n);
    return { canvas: box(document.querySelector(".editor__canvas")), shapes };
  });
}

async function open(theme) {
  if (theme) process.env.GTK_THEME = theme;
  else delete process.env.GTK_THEME;
  const app = await launch(freshHome(), [EXAMPLE]);
  await waitForCount(app.browser, '[data-testid="node"]', 12, 20000);
  return app;
}

test("find centres an element, F fits the diagram, ? lists the shortcuts", async () => {
  const app = await open(null);
  try {
    const { browser } = app;
    await browser.keys([CTRL, "f"]);
    const input = await browser.$('[data-testid="find-input"]');
    await input.waitForExist({ timeout: 5000 });
    await input.setValue("audit");
    await browser.keys("Enter");
    await browser.waitUntil(async () => (await (await browser.$('[data-testid="inspector-title"]')).getProperty("textContent")) === "Data store", {
      timeout: 5000,
      timeoutMsg: "the found element is not selected",
    });
    await browser.pause(600);
    let { canvas, shapes } = await geometry(browser);
    const audit = shapes["Audit log"];
    const mid = (a, b) => (a + b) / 2;
    assert.ok(Math.abs(mid(audit.left, audit.right) - mid(canvas.left, canvas.right)) < 30, "centred across");
    assert.ok(Math.abs(mid(audit.top, audit.bottom) - mid(canvas.top, canvas.bottom)) < 30, "centred down");
    await screenshot(browser, "navigation-found");

    await browser.keys("f");
    await browser.pause(600);
    ({ canvas, shapes } = await geometry(browser));
    for (const [name, r] of Object.entries(shapes)) {
      assert.ok(r.left >= canvas.left && r.right <= canvas.right && r.top >= canvas.top && r.bottom <= canvas.bottom, `${name} is in view`);
    }

    await browser.keys("?");
    const sheet = await browser.$('[data-testid="cheat-sheet"]');
    await sheet.waitForExist({ timeout: 5000 });
    assert.match(await sheet.getProperty("textContent"), /Duplicate/);
    await screenshot(browser, "navigation-shortcuts");
    await browser.keys("Escape");
    await sheet.waitForExist({ reverse: true, timeout: 5000 });
  } finally {
    await app.quit();
  }
});

for (const [theme, dark] of [
  [null, false],
  ["Adwaita:dark", true],
]) {
  test(`the theme follows the desktop (${dark ? "dark" : "light"})`, async () => {
    const app = await open(theme);
    try {
      const { browser } = app;
      const [prefersDark, background] = await browser.execute(() => [
        matchMedia("(prefers-color-scheme: dark)").matches,
        getComputedStyle(document.body).backgroundColor,
      ]);
      assert.equal(prefersDark, dark);
      const [r, g, b] = background.match(/\d+/g).map(Number);
      assert.equal((r + g + b) / 3 < 128, dark, `body background ${background}`);
      await browser.pause(500);
      await screenshot(browser, `webshop-${dark ? "dark" : "light"}`);
    } finally {
      await app.quit();
    }
  });
}
