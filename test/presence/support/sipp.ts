/**
 * Runs a sipp scenario playing the PBX (presence notifier) on 127.0.0.1 for one test, on the shared launcher
 * (test/support/sipp.ts): the process is killed and its trace files removed when the test ends.
 */
import { startSipp as startSharedSipp } from "../../support/sipp.js";
import { until } from "../../support/until.js";

export { until };

export interface SippRun {
  readonly port: number;
  /** Resolves when sipp exits: its exit code (0 = every call passed) and its error/message logs. */
  readonly exited: Promise<{ code: number | null; errors: string; messages: string }>;
  kill(): void;
}

export { SIPP_DIR } from "../../support/sipp.js";

export function startSipp(
  scenario: string,
  options: { port: number; transport: "udp" | "tcp"; calls?: number; timeoutSeconds?: number; vars?: Record<string, string> },
): SippRun {
  const run = startSharedSipp({
    scenario,
    localPort: options.port,
    transport: options.transport === "udp" ? "u1" : "t1",
    calls: options.calls ?? 1,
    timeoutS: options.timeoutSeconds ?? 30,
    ...(options.vars ? { vars: options.vars } : {}),
    messageLog: true,
  });
  return {
    port: options.port,
    exited: run.exited.then((r) => ({ code: r.code, errors: `${r.stderr}${r.errors}`, messages: r.messages })),
    kill: run.kill,
  };
}
