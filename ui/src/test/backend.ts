// A stand-in for the Tauri commands: each test says what each command answers and reads
// back what the UI asked.
import { mockIPC } from "@tauri-apps/api/mocks";

import type { Operation } from "../api/bindings/Operation";

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

type Handler = (args: Record<string, unknown>) => unknown;

/** What the analysis commands answer unless a test says otherwise: a model with nothing found. */
export const QUIET_ANALYSIS: { [cmd: string]: Handler } = {
  analysis_overview: () => ({ validation: { findings: [], dismissed: [] }, annotations: [], threat_count: 0, undecided: 0 }),
  threat_register: () => [],
  threats_on: () => [],
};

export function fakeBackend(handlers: { [cmd: string]: Handler }) {
  const calls: Call[] = [];
  mockIPC((cmd, args) => {
    const payload = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: payload });
    const handler = handlers[cmd] ?? QUIET_ANALYSIS[cmd];
    if (!handler) throw `unexpected command ${cmd}`;
    return handler(payload);
  });
  return {
    calls,
    of: (cmd: string) => calls.filter((c) => c.cmd === cmd),
    /** The operations sent with `apply`, in order. */
    ops: () => calls.filter((c) => c.cmd === "apply").map((c) => c.args.op as Operation),
  };
}
