/**
 * Runs inside a loopback-only network namespace (spawned by admission-flood.test.ts): Tandem's SIP stack,
 * call model, registry, bus and routing plugin with a Routing Point whose queue has no agent, and sipp flooding
 * it with INVITEs from one address; each flood call leaves without a CANCEL once queued (180), or ACKs its 503.
 * Overload control as configured (`FLOOD_ADMISSION=off`: none, the old behaviour), defaults otherwise.
 * Prints one JSON line: INVITEs sent, calls held, INVITEs shed, the overload events (recorded here, not on the
 * bus), the event-log rows and call records written, and heap / RSS (after a full GC) before and after the flood.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { routeCall, type EventBus, type EventInput, type EventName } from "@tandem/sdk";
import { CallAdmission } from "../../core/src/calls/call-admission.js";
import { silentLogger } from "../../core/src/logging.js";
import { manifest as routingManifest } from "../../plugins/routing/src/manifest.js";
import { Router } from "../../plugins/routing/src/router.js";
import { withDefaults } from "../../plugins/routing/src/routing-config.js";
import { customerCall } from "../support/sipp-peers.js";
import { countingMetrics, startTestStack } from "../support/test-stack.js";
import { createCallsHarness } from "./support/calls-harness.js";

setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const INVITES = Number(process.env["FLOOD_INVITES"] ?? 2000);
const RATE = Number(process.env["FLOOD_RATE"] ?? 500);
const withAdmission = process.env["FLOOD_ADMISSION"] !== "off";

function memory(): { rssMb: number; heapMb: number } {
  collectGarbage();
  const m = process.memoryUsage();
  return { rssMb: Math.round(m.rss / 1e5) / 10, heapMb: Math.round(m.heapUsed / 1e5) / 10 };
}

const metrics = countingMetrics();
/** The overload events admission control emits (it only ever calls `emit`). */
const overloadEvents: string[] = [];
const recorder = {
  emit: (name: EventName, input?: EventInput) => {
    overloadEvents.push(name);
    return { seq: overloadEvents.length, ts: new Date().toISOString(), name, data: input?.data ?? {} };
  },
} as unknown as EventBus;
const admission = withAdmission ? new CallAdmission({ logger: silentLogger(), metrics, bus: recorder }) : undefined;
const dns = [
  { number: "5000", type: "RoutingPoint" as const, options: { queues: ["sales"] } },
  { number: "1001", type: "Extension" as const },
];
const stack = await startTestStack({ served: dns.map((d) => d.number), ...(admission ? { admission } : {}) });
const h = createCallsHarness(undefined, { sip: stack.stack.verbs, dns, plugins: [routingManifest] });
const router = new Router({ dns: h.dns, bus: h.bus, log: silentLogger(), config: withDefaults({ queues: { sales: { agents: ["1001"] } } }) });
h.hooks.tap(routeCall, (r) => router.route(r));
router.start();

const before = memory();
const flood = await customerCall(stack.port, "calls-flood-invite.xml", "5000", { calls: INVITES, rate: RATE, limit: INVITES, timeoutS: 120, durationMs: 0 });
await new Promise((r) => setTimeout(r, 1000));
const after = memory();
const held = h.model.active().length;
const eventRows = (h.db.prepare("SELECT COUNT(*) AS n FROM core__events").get() as { n: number }).n;
const records = (h.db.prepare("SELECT COUNT(*) AS n FROM calls__calls").get() as { n: number }).n;
const shed = metrics.totals.get("calls_admission_refused_total") ?? 0;
console.log(
  JSON.stringify({
    admission: withAdmission,
    invites: INVITES,
    sippOk: flood.successful,
    sippFailed: flood.failed,
    held,
    shed,
    overloadEvents,
    eventRows,
    records,
    before,
    after,
    heapPerHeldCallKb: held > 0 ? Math.round(((after.heapMb - before.heapMb) * 1e3) / held) : 0,
  }),
);
router.stop();
admission?.stop();
await h.close();
await stack.stack.stop();
process.exit(0);
