// Presentation mode: the cheapest way in for a non-technical audience, full screen, in
// large type and plain words. A title slide, then the steps of the cheapest scenario
// revealed one at a time (→ or Space forward, ← back), then a summary: what the cheapest
// way in costs and takes, and what the most effective control would change. Escape or F5
// ends it. The figures are the engine's, in the model's currency.

import { useEffect, useState } from "react";

import * as client from "../api/client";
import type { CountermeasureEffect } from "../api/bindings/CountermeasureEffect";
import type { Document } from "../api/bindings/Document";
import type { WhatIf } from "../api/bindings/WhatIf";
import { durationWords, money } from "./format";
import { nodeLabel } from "./model";
import { analysisOptions, useTree } from "./store";

const SKILL_WORDS = ["no skill", "anyone", "basic skills", "a skilled attacker", "an expert", "a nation-state team"];

function skillWords(skill: number | null): string {
  return skill === null ? "unknown skill" : (SKILL_WORDS[skill] ?? `skill ${skill}`);
}

const NEXT = new Set(["ArrowRight", "ArrowDown", " ", "PageDown", "Enter"]);
const BACK = new Set(["ArrowLeft", "ArrowUp", "PageUp", "Backspace"]);

export function Presentation({ doc, tree }: { doc: Document; tree: string }) {
  const analysis = useTree((s) => s.analysis);
  const effects = useTree((s) => s.effects);
  const present = useTree((s) => s.present);
  const [slide, setSlide] = useState(0);
  const [allControls, setAllControls] = useState<WhatIf | null>(null);
  const currency = doc.metadata.currency;
  const goal = nodeLabel(doc.attack_nodes[doc.attack_trees[tree]?.root ?? ""]);
  const cheapest = analysis?.cheapest ?? null;
  const steps = cheapest?.steps ?? [];
  const last = steps.length + 1;

  // The strongest single control not yet in place: the one that raises the cheapest cost most (blocking beats any cost).
  const rank = (e: CountermeasureEffect) => (e.reachable_if_toggled ? (e.cost_if_toggled ?? -1) : Infinity);
  const proposed = effects.filter((e) => !e.implemented);
  const best = [...proposed].sort((a, b) => rank(b) - rank(a))[0];
  // Without a proposal, the control in place whose absence would cost the defender most.
  const keystone = [...effects.filter((e) => e.implemented)].sort((a, b) => rank(a) - rank(b))[0];

  // Every proposed control at once, asked once per presentation (the model does not change while it runs).
  const proposedKey = proposed.map((e) => e.node).join();
  useEffect(() => {
    const nodes = proposedKey ? proposedKey.split(",") : [];
    if (nodes.length < 2) return;
    let live = true;
    const toggles = nodes.map((node) => ({ node, implemented: true }));
    client.whatIf(tree, analysisOptions(useTree.getState()), toggles).then((w) => live && setAllControls(w), () => undefined);
    return () => {
      live = false;
    };
  }, [tree, proposedKey]);

  useEffect(() => {
    void document.documentElement.requestFullscreen?.().catch(() => undefined);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape" || e.key === "F5") present(false);
      else if (NEXT.has(e.key)) setSlide((s) => Math.min(last, s + 1));
      else if (BACK.has(e.key)) setSlide((s) => Math.max(0, s - 1));
      else if (e.key === "Home") setSlide(0);
      else if (e.key === "End") setSlide(last);
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    // In full screen the webview takes Escape to leave it, without a key event: leaving ends the presentation.
    const onFullscreen = () => {
      if (!document.fullscreenElement) present(false);
    };
    window.addEventListener("keydown", onKey, true);
    document.addEventListener("fullscreenchange", onFullscreen);
    return () => {
      window.removeEventListener("keydown", onKey, true);
      document.removeEventListener("fullscreenchange", onFullscreen);
      if (document.fullscreenElement) void document.exitFullscreen?.().catch(() => undefined);
    };
  }, [last, present]);

  let body;
  if (!cheapest) {
    body = (
      <div className="slide" data-testid="slide-none">
        <h1>{goal}</h1>
        <p className="slide__lead">{analysis?.root.reachable === false ? "With the controls in place, an attacker cannot reach this goal." : "Give every step a cost to see the cheapest way in."}</p>
      </div>
    );
  } else if (slide === 0) {
    body = (
      <div className="slide" data-testid="slide-title">
        <p className="slide__kicker">How could an attacker…</p>
        <h1>{goal}</h1>
        <p className="slide__lead">
          The cheapest way takes {steps.length === 1 ? "one step. Press → to see it." : `${steps.length} steps. Press → to walk through them.`}
        </p>
      </div>
    );
  } else if (slide <= steps.length) {
    body = (
      <div className="slide" data-testid="slide-step">
        <p className="slide__kicker">
          Step {slide} of {steps.length}
        </p>
        <ol className="slide__path">
          {steps.map((id, i) => {
            const node = doc.attack_nodes[id];
            const a = node?.attributes;
            const shown = i < slide;
            return (
              <li key={id} className={`slide__step${shown ? " is-shown" : ""}${i === slide - 1 ? " is-current" : ""}`} data-testid={shown ? "revealed-step" : undefined}>
                <span className="slide__step-name">{shown ? nodeLabel(node) : "?"}</span>
                {shown && a && (
                  <span className="slide__step-facts">
                    costs {money(a.cost, currency)} · takes {durationWords(a.time)} · needs {skillWords(a.skill)}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
      </div>
    );
  } else {
    body = (
      <div className="slide" data-testid="slide-summary">
        <p className="slide__kicker">In short</p>
        <h1 data-testid="summary-line">
          The cheapest way in costs {money(cheapest.cost, currency)} and takes {durationWords(cheapest.time)}.
        </h1>
        {best ? (
          <p className="slide__lead" data-testid="summary-control">
            {best.reachable_if_toggled
              ? `With “${best.label.trim() || "the proposed control"}” in place, it costs ${money(best.cost_if_toggled, currency)}.`
              : `With “${best.label.trim() || "the proposed control"}” in place, the attacker cannot reach the goal at all.`}
          </p>
        ) : keystone ? (
          <p className="slide__lead" data-testid="summary-control">
            “{keystone.label.trim() || "A control"}” is already in place: without it, the cheapest way in would cost {money(keystone.cost_if_toggled, currency)}.
          </p>
        ) : (
          <p className="slide__lead">No countermeasure is in the tree yet.</p>
        )}
        {allControls && (
          <p className="slide__lead">
            With all {proposed.length} proposed controls in place:{" "}
            {allControls.after_reachable ? `it costs ${money(allControls.after_cost, currency)}.` : "the goal cannot be reached."}
          </p>
        )}
      </div>
    );
  }

  return (
    <div className="presentation" role="dialog" aria-label="Presentation" data-testid="presentation" data-slide={slide}>
      {body}
      <footer className="presentation__footer">
        <span>{doc.metadata.name}</span>
        <span>← → to move · Esc to leave</span>
      </footer>
    </div>
  );
}
