/**
 * End-to-end rig for call control: the real SIP stack on 127.0.0.1, the call model on the real registry/bus/
 * hooks (G's calls harness), and sipp as the PBX: the customer (trunk UAC) dials an agent's DID; agent phones
 * answer at the trunk's contact (`pbxPort`); numbers in `far` are sent by a `selectTrunk` handler to a second
 * sipp UAS (`farPort`), so a make-call's phone and destination are separate sipp processes.
 */
import type { TestContext } from "node:test";
import { selectTrunk, type DnInput, type EventName, type TandemEvent } from "@tandem/sdk";
import { freePort } from "../../support/free-port.js";
import { killAllSipp, type SippResult } from "../../support/sipp.js";
import { customerCall, sippUas } from "../../support/sipp-peers.js";
import { startTestStack } from "../../support/test-stack.js";
import type { CallsConfig } from "../../../core/src/calls/index.js";
import { createCallsHarness, type CallsHarness } from "../../calls/support/calls-harness.js";
import { sleep } from "../../support/sleep.js";

export interface DesktopRig {
  h: CallsHarness;
  pbxPort: number;
  farPort: number;
  customer(scenario: string, dn: string, extra?: { durationMs?: number; timeoutS?: number }): Promise<SippResult>;
  agents(scenario: string, extra?: { calls?: number; durationMs?: number; timeoutS?: number }): Promise<SippResult>;
  far(scenario: string, extra?: { durationMs?: number; timeoutS?: number }): Promise<SippResult>;
  /** Events carrying `referenceId`, as `Name@dn`. */
  byRef(referenceId: string): string[];
  waitRef(name: EventName, referenceId: string, timeoutMs?: number): Promise<TandemEvent>;
}

export async function startDesktopRig(t: TestContext, options: { far?: string[]; config?: Partial<CallsConfig> } = {}): Promise<DesktopRig> {
  const pbxPort = await freePort();
  const farPort = await freePort();
  const dns: DnInput[] = [
    { number: "1001", type: "Extension" },
    { number: "1002", type: "Extension" },
    { number: "cucm", type: "Trunk", options: { contact: `sip:127.0.0.1:${pbxPort}` } },
  ];
  const stack = await startTestStack({ served: dns.map((d) => d.number) });
  const h = createCallsHarness(undefined, { sip: stack.stack.verbs, dns, config: options.config ?? {} });
  const far = new Set(options.far ?? []);
  // Once a handler is tapped it decides every leg (no fallback to the configured trunk).
  h.hooks.tap(selectTrunk, (request) =>
    far.has(request.destination)
      ? { trunk: "far", target: `sip:${request.destination}@127.0.0.1:${farPort}` }
      : { trunk: "cucm", target: `sip:${request.destination}@127.0.0.1:${pbxPort}` },
  );
  t.after(async () => {
    killAllSipp();
    await h.close();
    await stack.stack.stop();
  });
  return {
    h,
    pbxPort,
    farPort,
    customer: (scenario, dn, extra = {}) => customerCall(stack.port, scenario, dn, extra),
    agents: sippUas(pbxPort),
    far: sippUas(farPort),
    byRef: (referenceId) => h.events.filter((e) => e.referenceId === referenceId).map((e) => `${e.name}@${e.dn ?? ""}`),
    waitRef: (name, referenceId, timeoutMs) => h.waitFor(name, (e) => e.referenceId === referenceId, timeoutMs),
  };
}

/** Waits `ms` (lets a sipp UAS bind before the customer call starts). */
export { sleep };

/** Asserts-friendly summary of a sipp run. */
export function sippOk(result: SippResult, calls = 1): string | undefined {
  if (result.failed === 0 && result.successful === calls) return undefined;
  return `sipp: ${result.successful} ok, ${result.failed} failed\n${result.errors}\n${result.stderr}`;
}
