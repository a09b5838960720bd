// Decisions the user records on the analysis, each one operation through the engine (and so
// one undo step): editing a threat, adding a manual one, linking mitigations, dismissing a
// finding.

import * as client from "../api/client";
import type { Finding } from "../api/bindings/Finding";
import type { Mitigation } from "../api/bindings/Mitigation";
import type { StrideCategory } from "../api/bindings/StrideCategory";
import type { Threat } from "../api/bindings/Threat";
import { apply } from "../state/actions";
import { refreshAnalysis } from "../state/analysis";
import { errorMessage } from "../state/errors";
import { newId } from "../state/ids";
import { useModel } from "../state/model";
import { useUi } from "../state/ui";

const today = () => new Date().toISOString().slice(0, 10);

/** Threat edits run one after another: each starts from what the previous one stored. */
let threatEdits: Promise<unknown> = Promise.resolve();

/**
 * Change a threat. A threat the rules generated and nobody has edited yet has no record:
 * the engine supplies one with every field as the register shows it, so the edit keeps
 * what was generated. `also` are records stored in the same step (a new mitigation).
 */
export function editThreat(id: string, change: (t: Threat) => Threat, coalesce: string | null = null, also: Mitigation[] = []): Promise<boolean> {
  const run = threatEdits.then(async () => {
    try {
      const stored = useModel.getState().model?.document.threats[id];
      const base = stored ?? (await client.threatRecord(id));
      return await apply(
        { op: "put", records: [...also.map((value) => ({ type: "mitigation" as const, value })), { type: "threat", value: change(base) }] },
        coalesce,
      );
    } catch (e) {
      useUi.getState().showError(errorMessage(e));
      return false;
    }
  });
  threatEdits = run;
  return run;
}

/** A threat the user writes down themselves, against `target` (an element or flow) if given. Resolves to its id. */
export async function addManualThreat(target: string | null, category: StrideCategory = "Tampering"): Promise<string | null> {
  const threat: Threat = {
    id: newId(),
    title: "New threat",
    category,
    target,
    rule_id: null,
    description: "",
    status: "Open",
    likelihood: 3,
    impact: 3,
    detectability: null,
    mitigations: [],
    owner: "",
    due_date: null,
    decision: null,
    rationale: "",
    reviewer: "",
    review_date: null,
    references: [],
    origin: "manual",
    notes: "",
  };
  return (await apply({ op: "put", records: [{ type: "threat", value: threat }] })) ? threat.id : null;
}

export function deleteManualThreat(id: string): Promise<boolean> {
  return apply({ op: "delete", keys: [{ kind: "threat", id }] });
}

/** Link an existing mitigation to a threat. */
export function linkMitigation(threat: string, mitigation: string): Promise<boolean> {
  return editThreat(threat, (t) => (t.mitigations.includes(mitigation) ? t : { ...t, mitigations: [...t.mitigations, mitigation] }));
}

/** Create a reusable mitigation named `name` and link it to the threat, in one step. */
export function createMitigation(threat: string, name: string): Promise<boolean> {
  const mitigation: Mitigation = { id: newId(), name: name.trim(), description: "", status: "Proposed" };
  return editThreat(threat, (t) => ({ ...t, mitigations: [...t.mitigations, mitigation.id] }), null, [mitigation]);
}

export function unlinkMitigation(threat: string, mitigation: string): Promise<boolean> {
  return editThreat(threat, (t) => ({ ...t, mitigations: t.mitigations.filter((m) => m !== mitigation) }));
}

export function editMitigation(mitigation: Mitigation, coalesce: string | null = null): Promise<boolean> {
  return apply({ op: "put", records: [{ type: "mitigation", value: mitigation }] }, coalesce);
}

/** Set a finding aside, with the reason, kept in the model. */
export function dismissFinding(finding: Finding, reason: string): Promise<boolean> {
  const dismissal = { id: finding.id, code: finding.code, element_ids: [...finding.element_ids].sort(), reason: reason.trim(), by: "", date: today() };
  return apply({ op: "put", records: [{ type: "dismissal", value: dismissal }] });
}

/** Bring a dismissed finding back. */
export function restoreFinding(id: string): Promise<boolean> {
  return apply({ op: "delete", keys: [{ kind: "dismissal", id }] });
}

/** Load an extra STRIDE rule pack picked in the native dialog; the threats are generated again. */
export async function loadRulePack(): Promise<void> {
  try {
    const count = await client.loadRulePackDialog();
    if (count === null) return;
    useUi.getState().setStatus(`Rule pack loaded · ${count} rules in use`);
    await refreshAnalysis();
  } catch (e) {
    useUi.getState().showError(errorMessage(e));
  }
}
