// The inspector of the selected tree node: its name, gate, a step's attributes, a
// countermeasure's state and mitigation, links to the DFD and to threats (click to jump),
// the engine's values at the node, and the structural edits (children, countermeasures,
// reuse of an existing step). Each edit is one operation.

import { useState } from "react";

import type { AttackNode } from "../api/bindings/AttackNode";
import type { Document } from "../api/bindings/Document";
import type { Gate } from "../api/bindings/Gate";
import { ChoiceField, FlagField, TextField } from "../components/fields";
import { apply } from "../state/actions";
import { useUi } from "../state/ui";
import { addChild, addCountermeasure, addSibling, deleteNode, editNode } from "./commands";
import { duration, money, parseNumber, percent } from "./format";
import { isLeaf, linkableSteps, linkChildOp, nodeLabel, parentsOfNode, setAttribute, setGate, unlinkChildOp } from "./model";
import { useTree } from "./store";

const GATES: { gate: Gate; label: string; explain: string }[] = [
  { gate: "or", label: "OR", explain: "any one child" },
  { gate: "and", label: "AND", explain: "all children, any order" },
  { gate: "sand", label: "SAND", explain: "all children, in order" },
];

const SCALE = [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n) }));

function kindOf(doc: Document, node: AttackNode): string {
  if (doc.attack_trees[node.tree]?.root === node.id) return "Goal";
  if (node.role === "defense") return "Countermeasure";
  return isLeaf(node) ? "Attack step" : "Sub-goal";
}

/** A number field: empty means unknown; what does not parse is not sent. */
function NumberField({ node, attr, label, explain, percentAllowed }: { node: AttackNode; attr: "cost" | "probability" | "time"; label: string; explain: string; percentAllowed?: boolean }) {
  const value = node.attributes[attr];
  return (
    <TextField
      label={label}
      explain={explain}
      testId={`attr-${attr}`}
      value={value === null ? "" : String(value)}
      onEdit={(text, coalesce) => {
        const pct = percentAllowed && text.trim().endsWith("%");
        const n = parseNumber(pct ? text.trim().slice(0, -1) : text);
        if (n === undefined) return;
        void editNode(node.id, (m) => setAttribute(m, attr, n === null || !pct ? n : n / 100), coalesce);
      }}
    />
  );
}

function ScaleField({ node, attr, label, explain }: { node: AttackNode; attr: "skill" | "detectability"; label: string; explain: string }) {
  const value = node.attributes[attr];
  return (
    <ChoiceField
      label={label}
      explain={explain}
      testId={`attr-${attr}`}
      value={value === null ? null : String(value)}
      choices={SCALE}
      onEdit={(v) => void editNode(node.id, (m) => setAttribute(m, attr, v === null ? null : Number(v)))}
    />
  );
}

interface Choice {
  id: string;
  label: string;
}

/** How many matches a search field lists. */
const MAX_MATCHES = 8;

/**
 * A search field that lists what matches the text typed and acts on the match clicked.
 * `choices` runs only while there is text: a tree of thousands of steps or a model of
 * thousands of elements costs nothing until the user searches.
 */
function Pick({ testId, prompt, choices, onPick }: { testId: string; prompt: string; choices: () => Choice[]; onPick: (id: string) => void }) {
  const [query, setQuery] = useState("");
  const q = query.trim().toLowerCase();
  const matches = q ? choices().filter((c) => c.label.toLowerCase().includes(q)).slice(0, MAX_MATCHES) : [];
  return (
    <div className="pick" data-testid={testId}>
      <input className="field__input" placeholder={prompt} aria-label={prompt} value={query} spellCheck={false} onChange={(e) => setQuery(e.target.value)} />
      {matches.length > 0 && (
        <ul className="pick__matches">
          {matches.map((c) => (
            <li key={c.id}>
              <button
                type="button"
                className="link-button"
                data-testid="pick-match"
                onClick={() => {
                  setQuery("");
                  onPick(c.id);
                }}
              >
                {c.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      {q && matches.length === 0 && <p className="tree-note">Nothing matches.</p>}
    </div>
  );
}

/** What a link points at, and how to go there. */
function linkTarget(doc: Document, id: string): { name: string; go: () => void } | null {
  const element = doc.elements[id];
  if (element) return { name: element.name.trim() || "(unnamed element)", go: () => useUi.getState().reveal(id, element.diagram) };
  const threat = doc.threats[id];
  if (threat) {
    return {
      name: `Threat: ${threat.title}`,
      go: () => {
        useUi.getState().showTree(null);
        useUi.getState().showThreat(id);
      },
    };
  }
  return null;
}

function Links({ doc, node }: { doc: Document; node: AttackNode }) {
  const candidates = (): Choice[] => [
    ...Object.values(doc.elements)
      .filter((e) => !node.links.includes(e.id))
      .map((e) => ({ id: e.id, label: `${doc.diagrams[e.diagram]?.name ?? "Diagram"}: ${e.name.trim() || "(unnamed)"}` })),
    ...Object.values(doc.threats)
      .filter((t) => !node.links.includes(t.id))
      .map((t) => ({ id: t.id, label: `Threat: ${t.title}` })),
  ];
  return (
    <section className="inspector__section" data-testid="node-links">
      <h3 className="inspector__section-title">Links to the model</h3>
      {node.links.length === 0 && <p className="tree-note">Link this step to the DFD element or threat it concerns.</p>}
      <ul className="tree-links-list">
        {node.links.map((id) => {
          const target = linkTarget(doc, id);
          return (
            <li key={id}>
              <button type="button" className="link-button" data-testid="node-link" disabled={!target} onClick={() => target?.go()}>
                {target?.name ?? "(deleted)"}
              </button>
              <button type="button" className="icon-button" aria-label="Remove link" onClick={() => void editNode(node.id, (m) => ({ ...m, links: m.links.filter((l) => l !== id) }))}>
                ×
              </button>
            </li>
          );
        })}
      </ul>
      <Pick key={node.id} testId="add-link" prompt="Link to an element or threat: type its name" choices={candidates} onPick={(id) => void editNode(node.id, (m) => ({ ...m, links: [...m.links, id] }))} />
    </section>
  );
}

function EngineValues({ id, currency }: { id: string; currency: string }) {
  const v = useTree((s) => s.values.get(id));
  if (!v) return null;
  const defense = v.role === "defense";
  const rows: [string, string][] = [
    ["Cheapest", money(v.min_cost, currency)],
    ["Most likely way", percent(v.max_probability)],
    ["Trying everything", percent(v.probability)],
    ["Fastest", duration(v.min_time)],
    ["Least skill", v.min_skill === null ? "—" : String(v.min_skill)],
  ];
  return (
    <section className="inspector__section" data-testid="node-values">
      <h3 className="inspector__section-title">{defense ? "Defeating it (computed by the engine)" : "Getting past it (computed by the engine)"}</h3>
      {!v.reachable && (
        <p className="tree-note">
          {defense ? "The attacker cannot defeat this countermeasure (it is in place and no counter-attack gets past it)." : "The attacker cannot get past this node: a countermeasure in place blocks it."}
        </p>
      )}
      {v.within_profile === false && <p className="tree-note">Beyond the attacker profile.</p>}
      <dl className="tree-values">
        {rows.map(([k, value]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function TreeInspector({ doc }: { doc: Document }) {
  const selected = useTree((s) => s.selected);
  const node = selected ? doc.attack_nodes[selected] : undefined;
  if (!node) return <aside className="inspector tree-inspector" data-own-keys><p className="inspector__empty">Select a node of the tree.</p></aside>;
  const parents = parentsOfNode(doc, node.id);
  const root = doc.attack_trees[node.tree]?.root === node.id;
  return (
    <aside className="inspector tree-inspector" data-own-keys data-testid="tree-inspector">
      <header className="inspector__header">
        <h2 className="inspector__title" data-testid="inspector-title">
          {kindOf(doc, node)}
        </h2>
        {parents.length > 1 && <p className="inspector__detail">Shared by {parents.length} parents: a scenario pays for it once</p>}
      </header>
      <section className="inspector__section">
        <TextField label="Name" explain="What the attacker (or defender) does, in plain words." testId="node-name" value={node.label} onEdit={(v, c) => void editNode(node.id, (m) => ({ ...m, label: v }), c)} />
        {node.children.length > 0 && (
          <div className="field" data-testid="node-gate">
            <span className="field__label">Gate</span>
            <div className="segmented" role="radiogroup" aria-label="Gate">
              {GATES.map((g) => (
                <button
                  key={g.gate}
                  type="button"
                  role="radio"
                  aria-checked={node.gate === g.gate}
                  data-value={g.gate}
                  title={g.explain}
                  className={`segmented__option${node.gate === g.gate ? " is-checked" : ""}`}
                  onClick={() => void editNode(node.id, (m) => setGate(m, g.gate))}
                >
                  {g.label}
                </button>
              ))}
            </div>
            <p className="field__explain">{GATES.find((g) => g.gate === node.gate)?.explain ?? "a step: its children are ignored until a gate is chosen"}</p>
          </div>
        )}
      </section>
      {isLeaf(node) && node.role === "attack" && (
        <section className="inspector__section" data-testid="node-attributes">
          <h3 className="inspector__section-title">What this step takes</h3>
          <NumberField node={node} attr="cost" label={`Cost (${doc.metadata.currency || "money"})`} explain="What the attacker spends on it." />
          <NumberField node={node} attr="probability" label="Probability" explain="Chance it succeeds, 0 to 1 (or a percentage)." percentAllowed />
          <NumberField node={node} attr="time" label="Time (hours)" explain="How long it takes." />
          <ScaleField node={node} attr="skill" label="Skill" explain="1 anyone, 5 a nation state." />
          <ScaleField node={node} attr="detectability" label="Detectability" explain="1 unnoticed, 5 certainly noticed." />
        </section>
      )}
      {node.role === "defense" && (
        <section className="inspector__section">
          <FlagField label="In place (implemented)" explain="A control in place blocks its node unless the attacker also defeats it." testId="node-implemented" value={node.implemented} onEdit={(v) => void editNode(node.id, (m) => ({ ...m, implemented: v }))} />
          <div className="field">
            <span className="field__label">Mitigation</span>
            <select className="field__select" data-testid="node-mitigation" value={node.mitigation ?? ""} onChange={(e) => void editNode(node.id, (m) => ({ ...m, mitigation: e.target.value || null }))}>
              <option value="">None</option>
              {Object.values(doc.mitigations).map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
            <p className="field__explain">The model's control this countermeasure stands for.</p>
          </div>
        </section>
      )}
      <EngineValues id={node.id} currency={doc.metadata.currency} />
      <section className="inspector__section tree-actions">
        <h3 className="inspector__section-title">Structure</h3>
        <div className="tree-actions__row">
          <button type="button" className="button" data-testid="add-child" onClick={() => void addChild(node.id)}>
            Add child (Tab)
          </button>
          {!root && (
            <button type="button" className="button" data-testid="add-sibling" onClick={() => void addSibling(node.id)}>
              Add sibling (Enter)
            </button>
          )}
          <button type="button" className="button" data-testid="add-countermeasure" onClick={() => void addCountermeasure(node.id)}>
            {node.role === "attack" ? "Add countermeasure" : "Add counter-attack"}
          </button>
        </div>
        <Pick
          key={node.id}
          testId="link-existing"
          prompt="Reuse an existing step as a child: type its name"
          choices={() => linkableSteps(doc, node.tree, node.id).map((n) => ({ id: n.id, label: nodeLabel(n) }))}
          onPick={(child) => void apply(() => linkChildOp(doc, node.id, child))}
        />
        {parents.length > 1 &&
          parents.map((p) => (
            <button key={p} type="button" className="button" onClick={() => void apply(() => unlinkChildOp(doc, p, node.id))}>
              Take out of “{nodeLabel(doc.attack_nodes[p])}” only
            </button>
          ))}
        {!root && (
          <button type="button" className="button button--danger" data-testid="delete-node" onClick={() => void deleteNode(node.id)}>
            Delete (Del)
          </button>
        )}
      </section>
      <Links doc={doc} node={node} />
    </aside>
  );
}
