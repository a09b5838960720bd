// A stand-in for the Rust side, injected as `window.__TAURI_INTERNALS__` so that the built UI
// runs in a plain browser (see screenshots.mjs). It applies operations roughly as the engine
// does, without its checks, and keeps an undo stack. Dev tool only: the real rules live in
// crates/engine. Configure with `window.__FAKE_CONFIG__ = { recent, docs, initial }` first.
(() => {
  const NIL = "00000000-0000-0000-0000-000000000000";
  const DIAGRAM = "00000000-0000-4000-8000-0000000000d1";
  const SECTIONS = new Proxy({}, { get: (_, kind) => `${String(kind)}s` }); // "attack_node" -> "attack_nodes"
  const clone = (v) => JSON.parse(JSON.stringify(v));
  const config = window.__FAKE_CONFIG__ || {};
  const log = (window.__FAKE_LOG__ = []);

  const emptyDoc = (name) => ({
    metadata: { name, summary: "", scope_in: "", scope_out: "", assumptions: [], owner: "", reviewers: [], version: "0.1", currency: "EUR" },
    assets: {}, diagrams: { [DIAGRAM]: { id: DIAGRAM, name: "Main diagram" } }, elements: {}, layouts: {}, threats: {}, mitigations: {}, attack_trees: {}, attack_nodes: {}, dismissals: {},
  });

  let state = null; // { path, doc, undo: [], redo: [] }
  const get = (key) => {
    if (key.kind === "metadata") return { type: "metadata", value: state.doc.metadata };
    const v = state.doc[SECTIONS[key.kind]]?.[key.id];
    return v ? { type: key.kind, value: v } : null;
  };
  const keyOf = (r) => ({ kind: r.type, id: r.type === "metadata" ? NIL : r.value.id });
  const applyPatch = (patch) => {
    for (const c of patch.changes) {
      if (c.after) {
        if (c.after.type === "metadata") state.doc.metadata = clone(c.after.value);
        else (state.doc[SECTIONS[c.after.type]] ??= {})[c.after.value.id] = clone(c.after.value);
      } else delete state.doc[SECTIONS[c.key.kind]][c.key.id];
    }
  };
  const plan = (op) => {
    const pending = new Map();
    const put = (r) => pending.set(JSON.stringify(keyOf(r)), { key: keyOf(r), after: clone(r) });
    const remove = (key) => pending.set(JSON.stringify(key), { key, after: null });
    const el = (id) => clone(state.doc.elements[id]);
    if (op.op === "put") op.records.forEach(put);
    if (op.op === "rename") { const e = el(op.key.id); e.name = op.name; put({ type: "element", value: e }); }
    if (op.op === "reparent") op.ids.forEach((id) => { const e = el(id); e.parent = op.parent; put({ type: "element", value: e }); });
    if (op.op === "translate") {
      const moving = new Set(op.ids);
      let grew = true;
      while (grew) { grew = false; for (const e of Object.values(state.doc.elements)) if (e.parent && moving.has(e.parent) && !moving.has(e.id)) { moving.add(e.id); grew = true; } }
      for (const id of moving) { const l = state.doc.layouts[id]; if (l) put({ type: "layout", value: { ...l, x: l.x + op.dx, y: l.y + op.dy } }); }
    }
    if (op.op === "delete") {
      const doomed = new Set(op.keys.map((k) => k.id));
      for (const e of Object.values(state.doc.elements)) { const p = e.properties; if (p.kind === "data_flow" && (doomed.has(p.source) || doomed.has(p.target))) doomed.add(e.id); }
      for (const id of doomed) { remove({ kind: "element", id }); if (state.doc.layouts[id]) remove({ kind: "layout", id }); }
      for (const e of Object.values(state.doc.elements)) if (!doomed.has(e.id) && e.parent && doomed.has(e.parent)) { const c = el(e.id); c.parent = state.doc.elements[e.parent].parent; put({ type: "element", value: c }); }
    }
    if (op.op === "put" || op.op === "rename" || op.op === "reparent") {
      for (const c of pending.values()) if (c.after && c.after.type === "element" && c.after.value.properties.kind === "data_flow") {
        const p = c.after.value.properties;
        if (p.source === p.target) throw "a flow must connect two different elements";
      }
    }
    return { changes: [...pending.values()].map((c) => ({ key: c.key, before: get(c.key), after: c.after })).filter((c) => JSON.stringify(c.before) !== JSON.stringify(c.after)) };
  };
  const label = (op) => ({ put: "Add or edit", delete: "Delete", rename: `Rename to “${op.name}”`, translate: "Move element", reparent: "Move into boundary" })[op.op];
  const history = () => ({ undo: state.undo.at(-1)?.label ?? null, redo: state.redo.at(-1)?.label ?? null });
  const snapshot = () => ({ path: state.path, document: clone(state.doc), history: history() });
  const reverse = (p) => ({ changes: p.changes.map((c) => ({ key: c.key, before: c.after, after: c.before })) });
  const open = (path, doc) => { state = { path, doc, undo: [], redo: [], lastKey: null }; return snapshot(); };
  if (config.initial) open(config.initial.path, config.initial.document);

  const commands = {
    recent_files: () => config.recent || [],
    current_model: () => (state ? snapshot() : null),
    new_model: () => open("/home/ada/Documents/Rampart/Untitled model.rampart", emptyDoc("Untitled model")),
    open_model_dialog: () =>
      config.openDialog ? { snapshot: open(config.openDialog.path, config.openDialog.document), source: config.openDialog.source ?? null, warnings: config.openDialog.warnings ?? [] } : null,
    open_recent: ({ path }) => open(path, config.docs?.[path] ?? emptyDoc(path.split("/").pop().replace(/\.rampart$/, ""))),
    save_as_dialog: () => null,
    export_dialog: ({ request }) => ({
      path: `/home/ada/Documents/Rampart/export.${request.format}`,
      warnings: request.format === "threat_dragon" ? ["attack trees are not carried (1 tree)", "dismissed findings are not carried"] : [],
    }),
    close_model: () => { state = null; return null; },
    apply: ({ op, coalesce }) => {
      const patch = plan(op);
      if (patch.changes.length) {
        applyPatch(patch);
        const last = state.undo.at(-1);
        if (coalesce && last && last.key === coalesce) { last.patches.push(patch); }
        else state.undo.push({ label: label(op), key: coalesce, patches: [patch] });
        state.redo = [];
      }
      return { patch, history: history() };
    },
    undo: () => {
      const step = state.undo.pop();
      if (!step) return null;
      const changes = step.patches.slice().reverse().flatMap((p) => reverse(p).changes);
      applyPatch({ changes });
      state.redo.push(step);
      return { patch: { changes }, history: history() };
    },
    redo: () => {
      const step = state.redo.pop();
      if (!step) return null;
      const changes = step.patches.flatMap((p) => p.changes);
      applyPatch({ changes });
      state.undo.push(step);
      return { patch: { changes }, history: history() };
    },
  };

  window.__TAURI_INTERNALS__ = {
    invoke: async (cmd, args) => {
      log.push({ cmd, args: clone(args ?? {}) });
      const f = commands[cmd];
      if (!f) throw `unknown command ${cmd}`;
      return clone(f(args ?? {}) ?? null);
    },
    transformCallback: () => 0,
    unregisterCallback: () => undefined,
  };
  // As Tauri does with app.security.freezePrototype.
  Object.freeze(Object.prototype);
})();
