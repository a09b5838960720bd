// The side panel of the tree editor: the cheapest way in (and how the last change moved
// it), an attacker profile, the k cheapest scenarios, the cost vs probability Pareto
// front, and "what if" for every countermeasure. Every number is the engine's.

import { useState } from "react";

import type { AttackerProfile } from "../api/bindings/AttackerProfile";
import type { Scenario } from "../api/bindings/Scenario";
import { duration, money, parseNumber, percent } from "./format";
import { useTree } from "./store";

/** A scenario's known probability, time and skill, e.g. "30% likely · takes 6 h · skill 2". */
function facts(s: Scenario): string {
  return [s.probability !== null && `${percent(s.probability)} likely`, s.time !== null && `takes ${duration(s.time)}`, s.skill !== null && `skill ${s.skill}`]
    .filter(Boolean)
    .join(" · ");
}

function ScenarioList({ scenarios, currency, testId }: { scenarios: Scenario[]; currency: string; testId: string }) {
  const highlighted = useTree((s) => s.highlighted);
  const highlight = useTree((s) => s.highlight);
  if (scenarios.length === 0) return <p className="tree-note">None.</p>;
  return (
    <ol className="scenario-list" data-testid={testId}>
      {scenarios.map((s, i) => {
        const on = highlighted !== null && highlighted.join() === s.steps.join();
        return (
          <li key={i}>
            <button
              type="button"
              className={`scenario${on ? " is-on" : ""}`}
              data-testid="scenario"
              data-cost={s.cost ?? ""}
              aria-pressed={on}
              title="Show these steps on the tree (click again for the cheapest)"
              onClick={() => highlight(on ? null : s.steps)}
            >
              <span className="scenario__figures">
                <strong>{money(s.cost, currency)}</strong>
                {facts(s) && ` · ${facts(s)}`}
              </span>
              <span className="scenario__steps">{s.labels.join(" + ")}</span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}

function ProfileInputs() {
  const setProfile = useTree((s) => s.setProfile);
  const [draft, setDraft] = useState({ budget: "", skill: "", time: "" });
  const update = (key: keyof typeof draft, text: string) => {
    const next = { ...draft, [key]: text };
    setDraft(next);
    const budget = parseNumber(next.budget);
    const time = parseNumber(next.time);
    const skill = next.skill === "" ? null : Number(next.skill);
    if (budget === undefined || time === undefined) return;
    const profile: AttackerProfile = { budget, skill, time };
    setProfile(budget === null && skill === null && time === null ? null : profile);
  };
  return (
    <div className="profile-inputs">
      <label>
        Budget
        <input className="field__input" data-testid="profile-budget" inputMode="decimal" value={draft.budget} placeholder="any" onChange={(e) => update("budget", e.target.value)} />
      </label>
      <label>
        Skill
        <select className="field__select" data-testid="profile-skill" value={draft.skill} onChange={(e) => update("skill", e.target.value)}>
          <option value="">any</option>
          {[1, 2, 3, 4, 5].map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label>
        Hours
        <input className="field__input" data-testid="profile-time" inputMode="decimal" value={draft.time} placeholder="any" onChange={(e) => update("time", e.target.value)} />
      </label>
    </div>
  );
}

function WhatIfList({ currency }: { currency: string }) {
  const effects = useTree((s) => s.effects);
  const overrides = useTree((s) => s.overrides);
  const tryOverride = useTree((s) => s.tryOverride);
  if (effects.length === 0) return <p className="tree-note">No countermeasures yet: select a step and add one.</p>;
  return (
    <ul className="whatif-list" data-testid="whatif-list">
      {effects.map((e) => {
        const trying = overrides.find((o) => o.node === e.node);
        return (
          <li key={e.node} className="whatif" data-testid="whatif" data-node={e.node}>
            <label className="whatif__try" title="Analyse as if toggled, without changing the model">
              <input type="checkbox" checked={!!trying} onChange={(ev) => tryOverride(e.node, ev.target.checked ? !e.implemented : null)} />
              <span>{e.label.trim() || "Unnamed countermeasure"}</span>
            </label>
            <span className="whatif__effect">
              {trying ? "tried as " : ""}
              {e.implemented ? "in place" : "not in place"}; {e.implemented ? "without it" : "with it"}:{" "}
              <strong data-testid="whatif-cost">{e.reachable_if_toggled ? money(e.cost_if_toggled, currency) : "goal blocked"}</strong>
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function TreePanel({ currency }: { currency: string }) {
  const analysis = useTree((s) => s.analysis);
  const change = useTree((s) => s.change);
  const profile = useTree((s) => s.profile);
  const present = useTree((s) => s.present);
  const root = analysis?.root;
  return (
    <aside className="tree-panel" data-own-keys data-testid="tree-panel">
      <section className="tree-panel__section tree-panel__headline">
        <h3 className="inspector__section-title">Cheapest way in</h3>
        <p className="tree-panel__cost" data-testid="tree-cheapest-cost" data-cost={root?.min_cost ?? ""}>
          {!root ? "…" : !root.reachable ? "The goal is blocked" : root.min_cost === null ? "Not known yet" : money(root.min_cost, currency)}
        </p>
        {change && (
          <p className="tree-panel__change" data-testid="cost-change">
            was {money(change.before, currency)}, now {money(change.after, currency)}
          </p>
        )}
        {analysis?.cheapest && (
          <p className="tree-panel__detail">
            {[facts(analysis.cheapest), analysis.cheapest.labels.join(" + ")].filter(Boolean).join(" · ")}
          </p>
        )}
        <button type="button" className="button button--primary" data-testid="present" onClick={() => present(true)} title="Present the cheapest way in, full screen (F5)">
          Present (F5)
        </button>
      </section>
      <section className="tree-panel__section">
        <h3 className="inspector__section-title">Attacker profile</h3>
        <ProfileInputs />
        {profile && analysis?.profile && (
          <p className={`profile-verdict${analysis.profile.reachable ? " is-reachable" : ""}`} data-testid="profile-verdict">
            {analysis.profile.reachable ? "This attacker can reach the goal." : "This attacker cannot reach the goal."}
          </p>
        )}
      </section>
      <section className="tree-panel__section">
        <h3 className="inspector__section-title">Cheapest scenarios</h3>
        <ScenarioList scenarios={analysis?.top ?? []} currency={currency} testId="top-scenarios" />
      </section>
      <section className="tree-panel__section">
        <h3 className="inspector__section-title">Cost vs probability (Pareto front)</h3>
        <ScenarioList scenarios={analysis?.pareto ?? []} currency={currency} testId="pareto" />
      </section>
      <section className="tree-panel__section">
        <h3 className="inspector__section-title">What if</h3>
        <WhatIfList currency={currency} />
      </section>
      {analysis && analysis.warnings.length > 0 && (
        <section className="tree-panel__section">
          <h3 className="inspector__section-title">Notes</h3>
          <ul className="tree-panel__warnings">
            {analysis.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </section>
      )}
    </aside>
  );
}
