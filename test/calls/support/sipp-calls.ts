/**
 * End-to-end rig: the real SIP stack on 127.0.0.1 (the shared test stack), the call model on the real
 * registry/bus/hooks, and the routing plugin's router; sipp plays the PBX trunk (customer UAC) and the
 * agent phones (UAS at the trunk's contact).
 */
import type { TestContext } from "node:test";
import { routeCall, type DnInput, type SipVerbs } from "@tandem/sdk";
import { freePort } from "../../support/free-port.js";
import { killAllSipp, type SippResult } from "../../support/sipp.js";
import { customerCall, sippUas } from "../../support/sipp-peers.js";
import { startTestStack } from "../../support/test-stack.js";
import { manifest as routingManifest } from "../../../plugins/routing/src/manifest.js";
import { Router } from "../../../plugins/routing/src/router.js";
import { withDefaults, type QueueConfig } from "../../../plugins/routing/src/routing-config.js";
import type { CallsConfig } from "../../../core/src/calls/index.js";
import type { InviteAdmission } from "../../../core/src/sip/stack-contract.js";
import { silentLogger } from "../../../core/src/logging.js";
import { createCallsHarness, type CallsHarness } from "./calls-harness.js";
import { sleep } from "../../support/sleep.js";

export interface SippCallsRig {
  h: CallsHarness;
  router: Router;
  /** Tandem's SIP port. */
  port: number;
  /** The real stack's verbs (for plugins a test wires in, e.g. a media server's). */
  sip: SipVerbs;
  /** Where the "PBX" (agent UAS) listens: the trunk's contact. */
  pbxPort: number;
  /** The PBX delivering a customer call to `dn`. */
  customer(
    scenario: string,
    dn: string,
    extra?: { durationMs?: number; calls?: number; rate?: number; timeoutS?: number; transport?: "u1" | "t1"; extraArgs?: string[] },
  ): Promise<SippResult>;
  /** The PBX side of agent legs; resolves when sipp exits. */
  agents(scenario: string, extra?: { durationMs?: number; calls?: number; timeoutS?: number }): Promise<SippResult>;
}

export async function startSippCalls(
  t: TestContext,
  options: {
    queues: Record<string, Partial<QueueConfig>>;
    agents?: string[];
    config?: Partial<CallsConfig>;
    /** The trunk's `contact` is a port nobody listens on; the sipp PBX is its `contact-backup`. */
    deadPrimary?: boolean;
    /** More DNs (e.g. a media server's VoipService DN). */
    extraDns?: DnInput[];
    /** Overload control for the stack (none: every INVITE is taken). */
    admission?: InviteAdmission;
  },
): Promise<SippCallsRig> {
  const pbxPort = await freePort();
  const pbx = `sip:127.0.0.1:${pbxPort}`;
  const trunk = options.deadPrimary
    ? { contact: `sip:127.0.0.1:${await freePort()}`, "contact-backup": [pbx] }
    : { contact: pbx };
  const agentDns = options.agents ?? ["1001", "1002"];
  const dns: DnInput[] = [
    { number: "5000", type: "RoutingPoint", options: { queues: ["sales"] } },
    ...agentDns.map((number): DnInput => ({ number, type: "Extension" })),
    { number: "cucm", type: "Trunk", options: trunk },
    ...(options.extraDns ?? []),
  ];
  const stack = await startTestStack({ served: dns.map((d) => d.number), ...(options.admission ? { admission: options.admission } : {}) });
  const h = createCallsHarness(undefined, { sip: stack.stack.verbs, dns, config: options.config ?? {}, plugins: [routingManifest] });
  const router = new Router({ dns: h.dns, bus: h.bus, log: silentLogger(), config: withDefaults({ queues: options.queues }) });
  h.hooks.tap(routeCall, (r) => router.route(r));
  router.start();
  t.after(async () => {
    killAllSipp();
    router.stop();
    await h.close();
    await stack.stack.stop();
  });
  return {
    h,
    router,
    port: stack.port,
    sip: stack.stack.verbs,
    pbxPort,
    customer: (scenario, dn, extra = {}) => customerCall(stack.port, scenario, dn, extra),
    agents: sippUas(pbxPort),
  };
}

/** Waits `ms` (lets a sipp UAS bind before the customer call starts). */
export { sleep };
