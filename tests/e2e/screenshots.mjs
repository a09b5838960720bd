// The README's screenshots, taken of the real app in WebKitGTK: the example webshop model in
// the light and the dark theme (the app follows the desktop's; GTK_THEME sets it here), with
// an element selected and the threat register open.
//
//   xvfb-run -a -s "-screen 0 1440x900x24" node tests/e2e/screenshots.mjs
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freshHome, launch, waitForCount } from "./app.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const MODEL = path.join(ROOT, "examples/webshop.rampart.json");

async function shoot(theme, file) {
  const app = await launch(freshHome(), [MODEL], { GTK_THEME: theme });
  try {
    const { browser } = app;
    await browser.setWindowSize(1440, 900);
    await waitForCount(browser, '[data-testid="node"]', 11, 15000).catch(() => {});
    await (await browser.$('[data-testid="threats-button"]')).click();
    await browser.waitUntil(async () => (await browser.$$('[data-testid="threat-row"]')).length > 0, { timeout: 15000 });
    // Select the shop API: its badges, its properties and its threats in the inspector.
    await browser.execute(() => {
      const node = [...document.querySelectorAll('[data-testid="node"]')].find((n) => n.textContent.includes("Shop API"));
      node?.querySelector('[data-testid="node-label"]')?.click();
    });
    await (await browser.$('[data-testid="element-threat"]')).waitForExist({ timeout: 10000 });
    await browser.keys(["f"]);
    await browser.pause(800);
    await browser.saveScreenshot(path.join(ROOT, "docs", file));
    console.log(`docs/${file}`);
  } finally {
    await app.quit();
  }
}

await shoot("Adwaita", "screenshot-light.png");
await shoot("Adwaita:dark", "screenshot-dark.png");
