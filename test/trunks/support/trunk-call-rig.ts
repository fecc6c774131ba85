/**
 * Call-level rig for trunk selection: the real SIP stack on 127.0.0.1, the call model (its test harness)
 * on the real registry/bus/hooks, and the trunk-selection plugin registered on the same hooks; sipp nodes
 * stand in for CUCM nodes behind the trunks (answering OPTIONS and INVITEs) and for the customer's PBX leg.
 */
import type { TestContext } from "node:test";
import type { DnInput } from "@tandem/sdk";
import trunkSelection, { type TrunkSelectionConfig } from "@tandem/plugin-trunk-selection";
import { withDefaults } from "../../../plugins/trunk-selection/src/manifest.js";
import { killAllSipp, type SippResult } from "../../support/sipp.js";
import { customerCall } from "../../support/sipp-peers.js";
import { startTestStack } from "../../support/test-stack.js";
import { createCallsHarness, type CallsHarness } from "../../calls/support/calls-harness.js";
import type { CallsConfig } from "../../../core/src/calls/index.js";
import { registerOnHarness } from "../../calls/support/plugin-on-harness.js";
import { FAST, type TrunkRow } from "./trunk-host.js";

export interface TrunkCallRig {
  h: CallsHarness;
  /** Tandem's SIP port. */
  port: number;
  /** The plugin's `GET /trunks` body, read from its route handler. */
  trunks(): Promise<TrunkRow[]>;
  /** A customer call from the PBX to `dn` (an agent DID); resolves when sipp exits. */
  customer(
    scenario: string,
    dn: string,
    extra?: { calls?: number; rate?: number; limit?: number; timeoutS?: number; durationMs?: number; extraArgs?: string[] },
  ): Promise<SippResult>;
}

export async function startTrunkCallRig(
  t: TestContext,
  options: { dns: DnInput[]; plugin?: Partial<TrunkSelectionConfig>; ringTimeoutMs?: number; calls?: Partial<CallsConfig> },
): Promise<TrunkCallRig> {
  const stack = await startTestStack({ served: options.dns.map((d) => d.number) });
  const config = { ringTimeoutMs: options.ringTimeoutMs ?? 3000, ...options.calls };
  const h = createCallsHarness(undefined, { sip: stack.stack.verbs, dns: options.dns, config, plugins: [trunkSelection.manifest] });
  t.after(async () => {
    killAllSipp();
    await h.close();
    await stack.stack.stop();
  });
  const routes = await registerOnHarness(t, h, stack.stack.verbs, trunkSelection, withDefaults({ ...FAST, ...options.plugin }));
  const list = routes.find((r) => r.method === "GET" && r.path === "/trunks");
  return {
    h,
    trunks: async () => ((await list?.handler({ params: {}, query: {}, body: undefined, headers: {} })) as { trunks: TrunkRow[] }).trunks,
    port: stack.port,
    customer: (scenario, dn, extra = {}) =>
      customerCall(stack.port, scenario, dn, { ...extra, limit: extra.limit ?? 10, durationMs: extra.durationMs ?? 200 }),
  };
}
