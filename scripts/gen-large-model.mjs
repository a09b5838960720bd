#!/usr/bin/env node
// Writes a large DFD as a canonical `.rampart.json`, for the canvas scale benchmark (issue 4:
// 2,000 elements and 3,000 flows in one diagram). Laid out as a person would draw it:
// top-level zones holding nested sub-zones, shapes on a grid inside each sub-zone, flows
// between neighbours plus a few between neighbouring sub-zones and zones. The same file for
// the same arguments, every run.
//
//   node scripts/gen-large-model.mjs OUT.rampart.json [ELEMENTS] [FLOWS]
//
// ELEMENTS (default 2000) counts every non-flow element, boundaries included.

import { writeFileSync } from "node:fs";

const [out, elementsArg = "2000", flowsArg = "3000"] = process.argv.slice(2);
if (!out) {
  console.error("usage: gen-large-model.mjs OUT.rampart.json [ELEMENTS] [FLOWS]");
  process.exit(2);
}
const ELEMENTS = Number(elementsArg);
const FLOWS = Number(flowsArg);

// Zones in a 2 × 3 grid, each holding 3 × 2 sub-zones, each a grid of 8 × 7 cells.
const ZONE_COLS = 2;
const ZONE_ROWS = 3;
const SUB_COLS = 3;
const SUB_ROWS = 2;
const CELL_COLS = 8;
const CELL_ROWS = 7;
const CELL = { width: 220, height: 170 };
const PAD = 40; // inside a boundary, around what it holds
const TITLE = 40; // room for a boundary's name above its contents
const SIZES = {
  process: { width: 120, height: 120 },
  external_entity: { width: 150, height: 70 },
  data_store: { width: 160, height: 64 },
};

const ZONE_COUNT = ZONE_COLS * ZONE_ROWS;
const SUB_COUNT = ZONE_COUNT * SUB_COLS * SUB_ROWS;
const SHAPES = ELEMENTS - ZONE_COUNT - SUB_COUNT;
const PER_SUB = Math.ceil(SHAPES / SUB_COUNT);
if (SHAPES < 1 || PER_SUB > CELL_COLS * CELL_ROWS) {
  console.error(`ELEMENTS must lie between ${ZONE_COUNT + SUB_COUNT + 1} and ${ZONE_COUNT + SUB_COUNT * (1 + CELL_COLS * CELL_ROWS)}`);
  process.exit(2);
}

/** mulberry32: a small seeded generator, so that every run writes the same file. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(4);
const pick = (list) => list[Math.floor(random() * list.length)];
const maybe = () => pick([null, true, false]);

// Time-ordered-looking UUID v7 ids; a counter keeps them unique and sorted.
let counter = 0;
const nextId = () => `0194c000-0000-7000-8000-${(++counter).toString(16).padStart(12, "0")}`;

const DIAGRAM = nextId();
const elements = [];
const layout = [];

function element(name, parent, properties) {
  const id = nextId();
  elements.push({
    id,
    diagram: DIAGRAM,
    name,
    description: "",
    technology: "",
    owner: "",
    tags: [],
    out_of_scope: false,
    out_of_scope_reason: "",
    parent,
    properties,
  });
  return id;
}

const SUB_SIZE = { width: CELL_COLS * CELL.width + 2 * PAD, height: CELL_ROWS * CELL.height + 2 * PAD + TITLE };
const ZONE_SIZE = {
  width: SUB_COLS * SUB_SIZE.width + (SUB_COLS + 1) * PAD,
  height: SUB_ROWS * SUB_SIZE.height + (SUB_ROWS + 1) * PAD + TITLE,
};
const ZONE_NAMES = ["Internet", "DMZ", "Application tier", "Data tier", "Partner network", "Corporate IT"];
const SHAPE_NAMES = {
  process: ["API", "Worker", "Gateway", "Scheduler", "Indexer", "Auth service", "Renderer"],
  data_store: ["Database", "Cache", "Queue", "Object store", "Audit log"],
  external_entity: ["Customer", "Partner", "Operator", "Payment provider", "Mail relay"],
};

/** cells[sub][i]: the shape in cell i of sub-zone `sub`, by index; grid position kept for flows. */
const cells = [];
let shapesLeft = SHAPES;
let shapeNo = 0;
for (let z = 0; z < ZONE_COUNT; z += 1) {
  const zx = (z % ZONE_COLS) * (ZONE_SIZE.width + PAD);
  const zy = Math.floor(z / ZONE_COLS) * (ZONE_SIZE.height + PAD);
  const zone = element(ZONE_NAMES[z % ZONE_NAMES.length], null, { kind: "trust_boundary" });
  layout.push({ id: zone, x: zx, y: zy, ...ZONE_SIZE });
  for (let s = 0; s < SUB_COLS * SUB_ROWS; s += 1) {
    const sx = zx + PAD + (s % SUB_COLS) * (SUB_SIZE.width + PAD);
    const sy = zy + TITLE + PAD + Math.floor(s / SUB_COLS) * (SUB_SIZE.height + PAD);
    const sub = element(`${ZONE_NAMES[z % ZONE_NAMES.length]} segment ${s + 1}`, zone, { kind: "trust_boundary" });
    layout.push({ id: sub, x: sx, y: sy, ...SUB_SIZE });
    const here = [];
    const count = Math.min(PER_SUB, shapesLeft - (SUB_COUNT - cells.length - 1));
    for (let i = 0; i < count; i += 1) {
      const roll = random();
      const kind = roll < 0.5 ? "process" : roll < 0.85 ? "data_store" : "external_entity";
      shapeNo += 1;
      const id = element(`${pick(SHAPE_NAMES[kind])} ${shapeNo}`, sub, shapeProperties(kind));
      const size = SIZES[kind];
      const col = i % CELL_COLS;
      const row = Math.floor(i / CELL_COLS);
      layout.push({
        id,
        x: sx + PAD + col * CELL.width + (CELL.width - size.width) / 2,
        y: sy + TITLE + PAD + row * CELL.height + (CELL.height - size.height) / 2,
        ...size,
      });
      here.push({ id, col, row });
    }
    shapesLeft -= count;
    cells.push(here);
  }
}

function shapeProperties(kind) {
  switch (kind) {
    case "process":
      return {
        kind,
        privilege: pick([null, "user", "service", "admin"]),
        authenticates_callers: maybe(),
        authorizes_callers: maybe(),
        validates_input: maybe(),
        logs_security_events: maybe(),
        internet_facing: maybe(),
        handles_secrets: maybe(),
      };
    case "data_store":
      return {
        kind,
        stores_credentials: maybe(),
        stores_pii: maybe(),
        stores_payment_data: maybe(),
        encrypted_at_rest: maybe(),
        is_audit_log: maybe(),
        backed_up: maybe(),
        access_controlled: maybe(),
      };
    default:
      return { kind, is_human: maybe(), authenticated: maybe() };
  }
}

// Candidate flows: every right and down neighbour inside a sub-zone, and between sub-zones
// (and zones) side by side the last shape of one to the first of the next.
const local = [];
for (const here of cells) {
  const at = new Map(here.map((c) => [`${c.col},${c.row}`, c.id]));
  for (const c of here) {
    for (const [dc, dr] of [[1, 0], [0, 1]]) {
      const other = at.get(`${c.col + dc},${c.row + dr}`);
      if (other) local.push([c.id, other]);
    }
  }
}
const across = [];
for (let i = 0; i + 1 < cells.length; i += 1) {
  const from = cells[i].at(-1);
  const to = cells[i + 1][0];
  if (from && to) across.push([from.id, to.id]);
}
// Fisher-Yates with the seeded generator: which neighbours are joined is random but fixed.
for (let i = local.length - 1; i > 0; i -= 1) {
  const j = Math.floor(random() * (i + 1));
  [local[i], local[j]] = [local[j], local[i]];
}
const pairs = [...across, ...local].slice(0, FLOWS);
if (pairs.length < FLOWS) {
  console.error(`only ${pairs.length} neighbouring pairs for ${FLOWS} flows: ask for more elements or fewer flows`);
  process.exit(2);
}
const PROTOCOLS = ["HTTPS", "gRPC", "SQL", "AMQP", "SMTP", "S3 API"];
for (const [source, target] of pairs) {
  const protocol = pick(PROTOCOLS);
  // Swap some directions so that not every flow runs right or down.
  const [from, to] = random() < 0.3 ? [target, source] : [source, target];
  element(protocol, null, {
    kind: "data_flow",
    source: from,
    target: to,
    bidirectional: random() < 0.1,
    protocol,
    encrypted_in_transit: maybe(),
    authenticated: maybe(),
    integrity_protected: maybe(),
    over_public_network: maybe(),
    data_classification: pick([null, "public", "internal", "confidential", "secret"]),
    carries_credentials: maybe(),
  });
}

const model = {
  format: "rampart",
  format_version: 1,
  metadata: {
    name: `Large model (${ELEMENTS} elements, ${FLOWS} flows)`,
    summary: "Generated by scripts/gen-large-model.mjs for the canvas scale benchmark.",
    scope_in: "",
    scope_out: "",
    assumptions: [],
    owner: "",
    reviewers: [],
    version: "1",
    currency: "EUR",
  },
  assets: [],
  diagrams: [{ id: DIAGRAM, name: "Everything" }],
  elements,
  threats: [],
  mitigations: [],
  attack_trees: [],
  attack_nodes: [],
  layout,
};
writeFileSync(out, `${JSON.stringify(model, null, 2)}\n`);
console.log(`${out}: ${ELEMENTS} elements (${ZONE_COUNT + SUB_COUNT} trust boundaries), ${FLOWS} flows`);
