// Look at the built UI in headless Chromium without the desktop app: serves ui/dist with
// `vite preview` under the app's CSP, fakes the Tauri commands (fake-tauri.js, with
// Object.prototype frozen as Tauri does), walks through the main interactions, saves PNGs
// and fails on any console error, CSP violation or broken expectation.
//
//   npm run build && npm run screenshots [-- --out DIR]
//
// Needs Chromium (Debian: apt-get install chromium; or set CHROMIUM=/path/to/chrome).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { preview } from "vite";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const UI = path.resolve(HERE, "..");
const outArg = process.argv.indexOf("--out");
const OUT = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(os.tmpdir(), "rampart-ui-shots");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// Keep in step with app.security.csp in tauri.conf.json.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src ipc: http://ipc.localhost; object-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'";

if (!fs.existsSync(path.join(UI, "dist/index.html"))) throw new Error("ui/dist is missing: run `npm run build` first");
fs.mkdirSync(OUT, { recursive: true });

// A sample model: nested boundaries, each kind of shape, parallel and two-way flows.
const D = "00000000-0000-4000-8000-0000000000d1";
const id = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const D2 = "00000000-0000-4000-8000-0000000000d2";
const element = (n, kind, name, props = {}, parent = null, diagram = D) => ({
  id: id(n), diagram, name, description: "", technology: "", owner: "", tags: [], out_of_scope: false,
  out_of_scope_reason: "", parent, properties: { kind, ...props },
});
const flow = (n, name, s, t, bidirectional = false, diagram = D) =>
  element(n, "data_flow", name, {
    source: id(s), target: id(t), bidirectional, protocol: "", encrypted_in_transit: null, authenticated: null,
    integrity_protected: null, over_public_network: null, data_classification: null, carries_credentials: null,
  }, null, diagram);
const box = (n, x, y, width, height) => [id(n), { id: id(n), x, y, width, height }];
const SAMPLE = {
  metadata: { name: "Payments", summary: "", scope_in: "", scope_out: "", assumptions: [], owner: "", reviewers: [], version: "0.1", currency: "EUR" },
  assets: {}, diagrams: { [D]: { id: D, name: "Main diagram" }, [D2]: { id: D2, name: "Imported from Threat Dragon" } }, threats: {}, mitigations: {}, attack_trees: {}, attack_nodes: {},
  elements: Object.fromEntries(
    [
      element(1, "trust_boundary", "Cloud VPC"),
      element(2, "trust_boundary", "Database subnet", {}, id(1)),
      element(3, "external_entity", "Customer", { is_human: true, authenticated: null }),
      element(4, "process", "Payments API", {}, id(1)),
      element(5, "process", "Fraud scoring service with a rather long name that goes on and on", {}, id(1)),
      element(6, "data_store", "Orders DB", {}, id(2)),
      element(7, "external_entity", "Card processor"),
      flow(10, "Card details", 3, 4),
      flow(11, "Confirmation", 4, 3),
      flow(12, "Order rows", 4, 6, true),
      flow(13, "Score request", 4, 5),
      flow(14, "Authorisation", 4, 7),
      // The second diagram: a boundary drawn as a line and flows with bend points.
      element(20, "external_entity", "Browser", {}, null, D2),
      element(21, "process", "Web server", {}, null, D2),
      element(22, "data_store", "Sessions", {}, null, D2),
      element(23, "trust_boundary", "Internet boundary", {}, null, D2),
      flow(24, "HTTPS request", 20, 21, false, D2),
      flow(25, "Session lookup", 21, 22, true, D2),
    ].map((e) => [e.id, e]),
  ),
  layouts: Object.fromEntries([
    box(1, 300, 40, 560, 460), box(2, 560, 280, 260, 180), box(3, 20, 180, 150, 70), box(4, 380, 150, 120, 120),
    box(5, 620, 90, 120, 120), box(6, 610, 350, 160, 64), box(7, 360, 580, 150, 70),
    box(20, 40, 100, 150, 70), box(21, 420, 240, 120, 120), box(22, 700, 40, 160, 64),
    [id(23), { id: id(23), x: 280, y: 20, width: 40, height: 420, points: [{ x: 300, y: 20 }, { x: 280, y: 220 }, { x: 320, y: 440 }] }],
    [id(24), { id: id(24), x: 0, y: 0, width: 0, height: 0, points: [{ x: 115, y: 300 }] }],
    [id(25), { id: id(25), x: 0, y: 0, width: 0, height: 0, points: [{ x: 780, y: 300 }] }],
  ]),
};
const SAMPLE_PATH = "/home/ada/Documents/Rampart/Payments.rampart";
const CONFIG = {
  recent: [
    { path: SAMPLE_PATH, name: "Payments", opened_at: Math.floor(Date.now() / 1000) - 3600 },
    { path: "/home/ada/work/shop/threat-model.rampart", name: "Web shop", opened_at: 1750000000 },
  ],
  docs: { [SAMPLE_PATH]: SAMPLE },
  // What "Open…" answers: a Threat Dragon model converted into a new .rampart file.
  openDialog: {
    path: "/home/ada/Documents/Rampart/shop.rampart",
    document: SAMPLE,
    source: "/home/ada/Downloads/shop.json",
    warnings: ["2 × a cell of an unknown type (\"tm.Text\") was skipped", "threat scores are not carried over"],
  },
};

const problems = [];
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) problems.push(what);
}

const server = await preview({ root: UI, logLevel: "warn", preview: { port: 0, strictPort: false } });
const url = server.resolvedUrls.local[0];
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});

async function open(scheme) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: scheme });
  await context.route("**/*", async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    if ((headers["content-type"] ?? "").includes("text/html")) headers["content-security-policy"] = CSP;
    await route.fulfill({ response, headers });
  });
  const page = await context.newPage();
  await page.addInitScript(`window.__FAKE_CONFIG__ = ${JSON.stringify(CONFIG)};`);
  await page.addInitScript({ path: path.join(HERE, "fake-tauri.js") });
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`)),
  );
  page.on("console", (m) => m.type() === "error" && problems.push(`[${scheme}] console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`[${scheme}] page error: ${e.message}`));
  await page.goto(url);
  return page;
}

/** Close the model from the File menu. */
async function closeModel(page) {
  await page.getByTestId("file-menu").click();
  await page.getByTestId("close-model").click();
}
const shot = (page, name) => page.screenshot({ path: path.join(OUT, `${name}.png`) });
const sent = async (page) =>
  (await page.evaluate(() => window.__FAKE_LOG__)).filter((c) => c.cmd === "apply").map((c) => ({ ...c.args.op, coalesce: c.args.coalesce }));
const named = (page, name) => page.locator(`[data-testid=node]:has([data-testid=node-label]:text-is("${name}"))`);
const center = (b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
async function drag(page, from, to, steps = 10) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
  await page.waitForTimeout(150);
}

try {
  // Start screen, both themes.
  const page = await open("light");
  const dark = await open("dark");
  for (const [p, name] of [[page, "light"], [dark, "dark"]]) {
    await p.getByTestId("recent-file").first().waitFor();
    await shot(p, `01-start-${name}`);
    await p.getByTestId("recent-file").first().click();
    await p.getByTestId("node").first().waitFor();
    await p.waitForTimeout(300);
    await shot(p, `02-sample-${name}`);
  }
  check((await page.getByTestId("node").count()) === 7, "sample: 7 shapes");

  // The inspector: one process, then a flow, then Yes on a property.
  await named(page, "Payments API").click();
  await page.getByTestId("prop-internet_facing").getByRole("radio", { name: "Yes" }).click();
  await page.waitForTimeout(150);
  check((await page.getByTestId("prop-internet_facing").getByRole("radio", { name: "Yes" }).getAttribute("aria-checked")) === "true", "inspector: Yes sent and shown");
  await shot(page, "02d-inspector-process");
  await page.getByTestId("edge-label").filter({ hasText: "Order rows" }).click();
  check((await page.getByTestId("inspector-title").textContent()) === "Flow", "inspector: a clicked flow label selects the flow alone");
  await shot(page, "02e-inspector-flow");
  await page.keyboard.press("Control+z");
  await page.keyboard.press("Escape");
  await named(dark, "Orders DB").click();
  await shot(dark, "02f-inspector-store-dark");

  // The second diagram: a line boundary and bent flows.
  await page.getByTestId("diagram-tab").filter({ hasText: "Imported from Threat Dragon" }).click();
  await page.waitForTimeout(300);
  check((await page.getByTestId("node").count()) === 4, "second diagram: 4 shapes");
  check((await page.locator(".boundary-line__path").count()) === 1, "second diagram: a line boundary");
  await shot(page, "02a-second-diagram");
  await page.getByTestId("diagram-tab").filter({ hasText: "Main diagram" }).click();
  await page.waitForTimeout(300);

  // The File menu, and an export that lists what the format could not carry.
  await page.getByTestId("file-menu").click();
  await shot(page, "02b-file-menu");
  await page.getByTestId("export-threat_dragon").click();
  await page.getByTestId("notice").waitFor();
  check((await page.getByTestId("notice").locator("li").count()) === 2, "export: the notice lists the warnings");
  await shot(page, "02c-export-notice");
  await page.getByTestId("notice").getByRole("button", { name: "Dismiss" }).click();
  check((await page.getByTestId("edge").count()) === 5, "sample: 5 flows drawn as edges");
  check((await page.getByTestId("edge-label").count()) === 5, "sample: 5 flow names");

  // Drag the customer into the VPC: one translate and one reparent with the same key.
  const before = (await sent(page)).length;
  const customer = await named(page, "Customer").boundingBox();
  await drag(page, center(customer), { x: customer.x + 420, y: customer.y + 260 }, 16);
  let ops = (await sent(page)).slice(before);
  check(
    ops.length === 2 && ops[0].op === "translate" && ops[1].op === "reparent" && ops[1].parent === id(1) && ops[0].coalesce && ops[0].coalesce === ops[1].coalesce,
    "drag into a boundary: translate + reparent, one coalesce key",
  );
  await shot(page, "03-dragged-into-boundary");

  // Drag the VPC by its body: everything inside comes along, on screen and in one translate.
  const vpc = await named(page, "Cloud VPC").boundingBox();
  await page.mouse.move(vpc.x + 30, vpc.y + vpc.height - 20);
  await page.mouse.down();
  await page.mouse.move(vpc.x + 90, vpc.y + vpc.height + 10, { steps: 6 });
  await shot(page, "04-boundary-dragging");
  await page.mouse.up();
  await page.waitForTimeout(150);
  ops = (await sent(page)).slice(before);
  check(ops.length === 3 && ops[2].op === "translate" && ops[2].ids.length === 1, "boundary drag: one translate of the boundary");

  // Undo both steps from the keyboard.
  await page.keyboard.press("Control+z");
  await page.keyboard.press("Control+z");
  await page.waitForTimeout(150);
  check((await page.getByTestId("undo").isDisabled()) && (await page.getByTestId("redo").isEnabled()), "two undos: back to the start");
  await shot(page, "05-after-undo");

  // A new model, built from the palette.
  await closeModel(page);
  await page.getByTestId("new-model").click();
  for (const kind of ["trust_boundary", "process", "external_entity", "data_store", "process"]) {
    await page.getByTestId(`palette-${kind}`).click();
  }
  await page.waitForTimeout(150);
  check((await page.getByTestId("node").count()) === 5, "palette clicks: 5 shapes");
  await shot(page, "06-palette-added");

  const process1 = named(page, "Process 1");
  await named(page, "External entity 1").click();
  await process1.click({ modifiers: ["Control"] });
  await page.getByTestId("connect-selected").click();
  await page.waitForTimeout(150);
  check((await page.getByTestId("edge").count()) === 1, "Connect: one flow");

  // Draw a flow from the data store's right handle onto the second process.
  const store = named(page, "Data store 1");
  await store.hover();
  const handle = await store.locator(".react-flow__handle-right").boundingBox();
  await drag(page, center(handle), center(await named(page, "Process 2").boundingBox()));
  check((await page.getByTestId("edge").count()) === 2, "handle drag: second flow");

  // Drop a data store from the palette onto the canvas.
  const canvas = await page.locator(".editor__canvas").boundingBox();
  const item = await page.getByTestId("palette-data_store").boundingBox();
  await page.mouse.move(item.x + 20, item.y + item.height / 2);
  await page.mouse.down();
  await page.mouse.move(canvas.x + 320, canvas.y + canvas.height - 150, { steps: 10 });
  await shot(page, "07-palette-dragging");
  await page.mouse.up();
  await page.waitForTimeout(150);
  check((await named(page, "Data store 2").count()) === 1, "palette drop: Data store 2");

  // Rename a flow by double-click and a process with F2.
  await page.getByTestId("edge-label").first().dblclick();
  await page.getByTestId("rename-input").fill("Login request");
  await page.keyboard.press("Enter");
  await process1.click();
  await page.keyboard.press("F2");
  await page.getByTestId("rename-input").fill("Auth service");
  await shot(page, "08-renaming");
  await page.keyboard.press("Enter");
  await page.waitForTimeout(150);
  check((await page.getByTestId("edge-label").filter({ hasText: "Login request" }).count()) === 1, "flow renamed");
  check((await named(page, "Auth service").count()) === 1, "process renamed");

  // Resize the boundary from its bottom-right corner.
  const boundary = named(page, "Trust boundary 1");
  await boundary.click({ position: { x: 20, y: 100 } });
  const corner = await page.locator(".react-flow__resize-control.handle.bottom.right").first().boundingBox();
  await drag(page, center(corner), { x: corner.x + 120, y: corner.y + 60 }, 6);
  ops = await sent(page);
  const last = ops.at(-1);
  check(last.op === "put" && last.records.length === 1 && last.records[0].type === "layout", "resize: one put of a layout");
  await shot(page, "09-resized");

  // Delete the renamed process (and, in the fake engine, its flow).
  await named(page, "Auth service").click();
  await page.keyboard.press("Delete");
  await page.waitForTimeout(150);
  check((await named(page, "Auth service").count()) === 0, "Delete removes the selection");
  console.log(`status: ${await page.getByTestId("status").textContent()}`);
  await shot(page, "10-deleted");

  await closeModel(dark);
  await dark.getByTestId("new-model").click();
  for (const kind of ["trust_boundary", "process", "data_store"]) await dark.getByTestId(`palette-${kind}`).click();
  await shot(dark, "11-new-model-dark");

  // Open… with an import: the notice lists what was left out.
  await closeModel(dark);
  await dark.getByTestId("open-model").click();
  await dark.getByTestId("notice").waitFor();
  check((await dark.getByTestId("notice").locator("li").count()) === 2, "import: the notice lists the warnings");
  await shot(dark, "12-import-notice-dark");

  // Editing on the sample: box-select, the context menu, align, duplicate.
  await closeModel(page);
  await page.getByTestId("recent-file").first().click();
  await named(page, "Card processor").waitFor();
  await page.waitForTimeout(300);
  const apiBox = await named(page, "Payments API").boundingBox();
  const cardBox = await named(page, "Card processor").boundingBox();
  await page.keyboard.down("Shift");
  await drag(page, { x: Math.min(apiBox.x, cardBox.x) - 15, y: apiBox.y - 15 }, { x: Math.max(apiBox.x + apiBox.width, cardBox.x + cardBox.width) + 15, y: cardBox.y + cardBox.height + 15 });
  await page.keyboard.up("Shift");
  await shot(page, "12b-box-selected");
  check((await page.getByTestId("inspector-title").textContent()) === "3 elements", "Shift+drag: box-selects two shapes and the flow between them");
  const card = center(await named(page, "Card processor").boundingBox());
  await page.mouse.click(card.x, card.y, { button: "right" });
  await page.getByTestId("context-menu").waitFor();
  await shot(page, "13-context-menu");
  const beforeAlign = (await sent(page)).length;
  await page.getByTestId("menu-align-center").click();
  await page.waitForTimeout(150);
  let added = (await sent(page)).slice(beforeAlign);
  check(added.length === 1 && added[0].op === "put" && added[0].records.every((r) => r.type === "layout"), "align: one put of layouts");
  await page.keyboard.press("Control+d");
  await page.waitForTimeout(150);
  check((await named(page, "Payments API copy").count()) === 1, "Ctrl+D: a copy of each selected shape");
  await shot(page, "14-aligned-and-duplicated");

  // Find, the cheat sheet, the automatic layout.
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+f");
  await page.getByTestId("find-input").fill("or");
  await shot(page, "15-find");
  await page.keyboard.press("Enter");
  await page.keyboard.press("?");
  await page.getByTestId("cheat-sheet").waitFor();
  await shot(page, "16-cheat-sheet");
  await page.keyboard.press("Escape");
  const beforeLayout = (await sent(page)).length;
  await page.getByTestId("auto-layout").click();
  await page.waitForTimeout(800);
  added = (await sent(page)).slice(beforeLayout);
  if (added.length !== 1) console.log(JSON.stringify(added).slice(0, 400), await page.getByTestId("status").textContent(), await page.getByTestId("error").count());
  check(added.length === 1 && added[0].op === "put" && added[0].records.every((r) => r.type === "layout"), "auto layout: one put of layouts");
  await shot(page, "17-auto-layout");
  await dark.keyboard.press("?");
  await dark.getByTestId("cheat-sheet").waitFor();
  await shot(dark, "18-cheat-sheet-dark");
} catch (e) {
  problems.push(`script: ${e.stack ?? e}`);
} finally {
  await browser.close();
  await server.close();
}

console.log(`screenshots in ${OUT}`);
if (problems.length) {
  console.error(`\n${problems.length} problem(s):\n${problems.join("\n")}`);
  process.exit(1);
}
