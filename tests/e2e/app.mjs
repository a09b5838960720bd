// Starts the real Rampart app under tauri-driver (WebKitWebDriver) and returns a
// WebdriverIO browser driving its webview. Each test gets its own HOME, so models and the
// recent-files list live in a temporary folder.
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
// RAMPART_APP: another build of the app, e.g. a copy that a parallel build cannot replace mid-run.
export const APP = process.env.RAMPART_APP ?? path.join(ROOT, "target/debug/rampart-app");
export const OUT = path.join(ROOT, "tests/e2e/out");
mkdirSync(OUT, { recursive: true });

/** A fresh home folder with a Documents folder that the app uses for new models. */
export function freshHome() {
  const home = mkdtempSync(path.join(tmpdir(), "rampart-e2e-"));
  mkdirSync(path.join(home, ".config"), { recursive: true });
  mkdirSync(path.join(home, "Documents"), { recursive: true });
  writeFileSync(path.join(home, ".config/user-dirs.dirs"), 'XDG_DOCUMENTS_DIR="$HOME/Documents"\n');
  return home;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

async function waitForPort(port, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => { socket.end(); resolve(true); });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${ms} ms`);
}

/** Launch the app with `home` as HOME, optional command-line `args` and extra environment. */
export async function launch(home, args = [], extraEnv = {}) {
  if (!existsSync(APP)) throw new Error(`${APP} is missing: build the app first (scripts/test.sh does)`);
  const port = await freePort();
  const env = { ...process.env, ...extraEnv, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), XDG_DATA_HOME: path.join(home, ".local/share") };
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(port + 1)], { env, stdio: ["ignore", "ignore", "pipe"] });
  let driverLog = "";
  driver.stderr.on("data", (d) => { driverLog += d; });
  try {
    await waitForPort(port, 15000);
    const browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "error",
      capabilities: { "tauri:options": { application: APP, args }, "wdio:enforceWebDriverClassic": true },
    });
    return {
      browser,
      async quit() {
        await browser.deleteSession().catch(() => {});
        driver.kill();
      },
    };
  } catch (e) {
    driver.kill();
    throw new Error(`${e.message}\ntauri-driver said:\n${driverLog}`);
  }
}

export async function screenshot(browser, name) {
  await browser.saveScreenshot(path.join(OUT, `${name}.png`));
}

/** Wait until `selector` matches exactly `count` elements; returns them. */
export async function waitForCount(browser, selector, count, timeout = 10000) {
  let found = [];
  await browser.waitUntil(async () => {
    found = await browser.$$(selector);
    return found.length === count;
  }, { timeout, timeoutMsg: `expected ${count} × ${selector}, found ${found.length}` });
  return found;
}

/** Click the element with this test id. */
export async function click(browser, testId) {
  await (await browser.$(`[data-testid="${testId}"]`)).click();
}

/** The text of the element with this test id. */
export async function text(browser, testId) {
  return (await browser.$(`[data-testid="${testId}"]`)).getProperty("textContent");
}
