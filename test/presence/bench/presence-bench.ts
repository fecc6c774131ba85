/**
 * Presence bench: N agent DNs (default 10,000) subscribed against a sipp notifier on 127.0.0.1 (UDP).
 * sipp answers every SUBSCRIBE, NOTIFYs `open`, then alternates on-the-phone / open every 5 s three times,
 * so the steady phase carries about N/5 NOTIFY/s. Prints: time until all subscriptions are active, NOTIFYs
 * per second processed, delivery-to-event latency p50/p99 (from the stack handing the NOTIFY to the plugin
 * to the agent event on the bus), event-loop delay p50/p99 during the NOTIFY phase, and memory per DN.
 *
 *   node --expose-gc --conditions=tandem-src --import tsx test/presence/bench/presence-bench.ts [N] [subscribeRate]
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { definePlugin, type NotifyInfo, type SipSubscription, type SipVerbs } from "@tandem/sdk";
import { createTestHost } from "@tandem/testing";
import presencePlugin, { type PresenceConfig } from "../../../plugins/presence/src/index.js";
import { freePort } from "../../support/free-port.js";
import { startSipp } from "../support/sipp.js";
import { sleep } from "../../support/sleep.js";

const N = Number(process.argv[2] ?? 10_000);
const RATE = Number(process.argv[3] ?? 1000);
const LOOP_RESOLUTION_MS = 5;

/** Records when each NOTIFY is handed to the plugin, per DN. */
const delivered = new Map<string, number>();
let notifies = 0;

function timed(sip: SipVerbs): SipVerbs {
  return Object.create(sip, {
    subscribe: {
      value: (options: Parameters<SipVerbs["subscribe"]>[0]): SipSubscription => {
        const sub = sip.subscribe(options);
        const dn = /^sips?:([^@]+)@/.exec(options.target)?.[1] ?? "";
        const onNotify = sub.onNotify.bind(sub);
        // Our listener goes first, so it stamps the time before the plugin handles the NOTIFY.
        onNotify(() => {
          notifies++;
          delivered.set(dn, performance.now());
        });
        return Object.create(sub, { onNotify: { value: (l: (n: NotifyInfo) => void) => onNotify(l) } }) as SipSubscription;
      },
    },
  }) as SipVerbs;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function main(): Promise<void> {
  const port = await freePort();
  // Room for re-subscribes: sipp stops taking new calls once `calls` were created.
  const sipp = startSipp("presence-bench.xml", { port, transport: "udp", calls: 2 * N, timeoutSeconds: 600 });
  const plugin = definePlugin<PresenceConfig>({
    manifest: presencePlugin.manifest,
    register: (ctx) => presencePlugin.register(Object.create(ctx, { sip: { value: timed(ctx.sip) } })),
  });
  const host = await createTestHost({
    sip: true,
    plugins: [plugin],
    dns: [{ number: "cucm", type: "VoipService", options: { contact: `sip:127.0.0.1:${port}`, "service-type": "softswitch" } }],
    config: { plugins: { presence: { enabled: true, subscribeRate: RATE } }, log: { level: "error" } },
  });
  const latencies: number[] = [];
  host.bus.on("*", (event) => {
    if (event.source !== "presence" || !event.dn || !event.name.startsWith("EventAgent")) return;
    const at = delivered.get(event.dn);
    if (at !== undefined) latencies.push(performance.now() - at);
  });
  gc();
  await sleep(200);
  const before = process.memoryUsage();

  const t0 = performance.now();
  // In batches, so the event loop never stalls long enough to fire Timer E on answers already waiting.
  for (let i = 0; i < N; i++) {
    host.dns.upsert({ number: String(100_000 + i), type: "Extension", options: { presence: true } });
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  const upserted = performance.now() - t0;
  let summary = { counts: { active: 0, backoff: 0 } as Record<string, number> };
  while ((summary.counts.active ?? 0) < N) {
    await sleep(250);
    summary = (await host.inject({ method: "GET", url: "/api/v1/plugins/presence/subscriptions?summary=true" })).json();
    if (performance.now() - t0 > 120_000) {
      const rows = (await host.inject({ method: "GET", url: "/api/v1/plugins/presence/subscriptions" })).json<{
        subscriptions: Array<{ state: string; lastError: string | null; failures: number }>;
      }>().subscriptions;
      const errors = new Map<string, number>();
      for (const r of rows) if (r.state !== "active") errors.set(`${r.state}: ${r.lastError}`, (errors.get(`${r.state}: ${r.lastError}`) ?? 0) + 1);
      sipp.kill();
      const { errors: sippErrors } = await sipp.exited;
      console.error(JSON.stringify([...errors.entries()].slice(0, 20), null, 1), `\nsipp: ${sippErrors.slice(0, 3000)}`);
      throw new Error(`only ${summary.counts.active}/${N} active after 120 s: ${JSON.stringify(summary.counts)}`);
    }
  }
  const allActive = performance.now() - t0;
  gc();
  await sleep(200);
  const after = process.memoryUsage();

  // Steady phase: on-the-phone / open NOTIFYs every 5 s per DN, three cycles (30 s).
  latencies.length = 0;
  // The histogram records the time between samples, so the sampling interval itself is subtracted below.
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  const startCount = notifies;
  const tSteady = performance.now();
  const perSecond: number[] = [];
  let last = notifies;
  while (performance.now() - tSteady < 31_000) {
    await sleep(1000);
    perSecond.push(notifies - last);
    last = notifies;
  }
  loop.disable();
  const steadySeconds = (performance.now() - tSteady) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const metrics = (await host.inject({ method: "GET", url: "/api/v1/metrics" })).body;
  const parseFailures = [...metrics.matchAll(/tandem_presence_parse_failures_total\{[^}]*\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);

  const figures = {
    dns: N,
    subscribeRate: RATE,
    upsertMs: Math.round(upserted),
    allActiveMs: Math.round(allActive),
    failedSubscriptions: summary.counts.backoff ?? 0,
    notifiesPerSecondMean: Math.round((notifies - startCount) / steadySeconds),
    notifiesPerSecondPeak: Math.max(...perSecond),
    deliveryToEventMsP50: Number(percentile(sorted, 50).toFixed(3)),
    deliveryToEventMsP99: Number(percentile(sorted, 99).toFixed(3)),
    eventsMeasured: sorted.length,
    eventLoopDelayMsP50: Number(Math.max(0, loop.percentile(50) / 1e6 - LOOP_RESOLUTION_MS).toFixed(2)),
    eventLoopDelayMsP99: Number(Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS).toFixed(2)),
    heapBytesPerDn: Math.round((after.heapUsed - before.heapUsed) / N),
    rssBytesPerDn: Math.round((after.rss - before.rss) / N),
    parseFailures,
  };
  console.log(JSON.stringify(figures, null, 2));
  sipp.kill();
  await host.close();
  await sipp.exited;
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
