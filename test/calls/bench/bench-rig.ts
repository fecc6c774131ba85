/**
 * The calls bench's rig: Tandem's real SIP stack, call model, DN registry, bus and routing plugin, built from the
 * sources (tsx) or from the compiled output of `npx tsc -b` (what `node core/dist/cli.js` runs).
 *
 * Memory is measured on the compiled output: tsx compiles with esbuild's `keepNames`, which wraps every named
 * arrow function in `__name()`; defining `name` on a function moves it to a ~0.25 KB property dictionary, so
 * under tsx each closure a call keeps costs 5× what it costs in production (about +6 KB per call here).
 *
 * The database is a real file in WAL mode, as in production (`:memory:` hid the cost of each write's commit), and
 * the stack has the production default of 256 shards (`CALLS_BENCH_SHARDS` to compare; the bare B2BUA's ladder takes the same). `CALLS_BENCH_SIP_TRACE=on` installs the SIP trace (default `sipTrace` settings) on the stack, to measure its cost.
 * `CALLS_BENCH_LOOP_LIMIT=0.95` adds overload control by the event loop's load (`admission.maxLoopUtilization`,
 * its other limits off: the memory phase holds 1,000 calls from one address), so past the capacity the excess of
 * new INVITEs is refused with 503 and counted (`refused`); without it there is no overload control, as before.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { routeCall, type DnInput, type Logger, type Metrics, type SipVerbs } from "@tandem/sdk";
import type * as SipIndex from "../../../core/src/sip/index.js";
import type * as CallsIndex from "../../../core/src/calls/index.js";
import type * as CallAdmissionModule from "../../../core/src/calls/call-admission.js";
import type * as SipTraceIndex from "../../../core/src/sip-trace/index.js";
import type * as DatabaseModule from "../../../core/src/storage/database.js";
import type * as AreaStorageModule from "../../../core/src/storage/area-storage.js";
import type * as EventLogModule from "../../../core/src/bus/event-log.js";
import type * as EventBusModule from "../../../core/src/bus/event-bus.js";
import type * as DnRegistryModule from "../../../core/src/registry/dn-registry.js";
import type * as HookHostModule from "../../../core/src/plugins/hook-host.js";
import type * as PluginHttpModule from "../../../core/src/plugins/plugin-http.js";
import type * as LoggingModule from "../../../core/src/logging.js";
import type * as RouterModule from "../../../plugins/routing/src/router.js";
import type * as RoutingConfigModule from "../../../plugins/routing/src/routing-config.js";
import type { SipStack } from "../../../core/src/sip/stack-contract.js";
import { freePort } from "../../support/free-port.js";
import { loopbackSipConfig } from "../../support/loopback-sip-config.js";

export type Build = "src" | "dist";

/**
 * SIP shards of the rig's stack: the production default (`sip.shards`), `CALLS_BENCH_SHARDS` to compare. The bare
 * B2BUA's ladder in the same run takes the same count, so the ratio between the two paths compares like with like.
 */
export const BENCH_SHARDS = Number(process.env.CALLS_BENCH_SHARDS ?? 256);
/**
 * Record writes by the storage writer thread (`storage.writerThread`, the production default), or on the main
 * thread with `CALLS_BENCH_WRITER=inline`, to compare.
 */
export const BENCH_WRITER_THREAD = process.env.CALLS_BENCH_WRITER !== "inline";
/**
 * UDP sockets in a thread of their own (`sip.udpThread`, the production default), or in the SIP thread with
 * `CALLS_BENCH_UDP=inline`, to compare; the bare B2BUA's ladder takes the same.
 */
export const BENCH_UDP_THREAD = process.env.CALLS_BENCH_UDP !== "inline";

interface CoreModules {
  sip: typeof SipIndex;
  calls: typeof CallsIndex;
  admission: typeof CallAdmissionModule;
  sipTrace: typeof SipTraceIndex;
  database: typeof DatabaseModule;
  areaStorage: typeof AreaStorageModule;
  eventLog: typeof EventLogModule;
  eventBus: typeof EventBusModule;
  dnRegistry: typeof DnRegistryModule;
  hookHost: typeof HookHostModule;
  pluginHttp: typeof PluginHttpModule;
  logging: typeof LoggingModule;
  router: typeof RouterModule;
  routingConfig: typeof RoutingConfigModule;
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Each tree's sources, its compiled output and the build info `npx tsc -b` writes when it built them. */
const TREES = [
  { src: "core/src", dist: "core/dist", buildInfo: "core/tsconfig.tsbuildinfo" },
  { src: "plugins/routing/src", dist: "plugins/routing/dist", buildInfo: "plugins/routing/tsconfig.tsbuildinfo" },
];

/** Paths (relative to a tree's src) of the modules the rig loads, without extension. */
const MODULES: Record<keyof CoreModules, [tree: number, path: string]> = {
  sip: [0, "sip/index"],
  calls: [0, "calls/index"],
  admission: [0, "calls/call-admission"],
  sipTrace: [0, "sip-trace/index"],
  database: [0, "storage/database"],
  areaStorage: [0, "storage/area-storage"],
  eventLog: [0, "bus/event-log"],
  eventBus: [0, "bus/event-bus"],
  dnRegistry: [0, "registry/dn-registry"],
  hookHost: [0, "plugins/hook-host"],
  pluginHttp: [0, "plugins/plugin-http"],
  logging: [0, "logging"],
  router: [1, "router"],
  routingConfig: [1, "routing-config"],
};

/** A source file newer than the last `npx tsc -b` of its tree (tsc's own up-to-date rule), if any. */
export function staleDist(): string | undefined {
  for (const tree of TREES) {
    let built = 0;
    try {
      built = statSync(join(ROOT, tree.buildInfo)).mtimeMs;
    } catch {
      return tree.buildInfo;
    }
    const stale = walk(join(ROOT, tree.src)).find((file) => statSync(file).mtimeMs > built);
    if (stale) return stale.slice(ROOT.length);
  }
  return undefined;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

async function loadModules(build: Build): Promise<CoreModules> {
  const entries = await Promise.all(
    Object.entries(MODULES).map(async ([name, [tree, path]]) => {
      const t = TREES[tree] as { src: string; dist: string };
      const file = join(ROOT, build === "src" ? t.src : t.dist, `${path}${build === "src" ? ".ts" : ".js"}`);
      return [name, (await import(file)) as unknown] as const;
    }),
  );
  return Object.fromEntries(entries) as unknown as CoreModules;
}

const noopMetrics: Metrics = {
  counter: () => ({ inc: () => undefined }),
  gauge: () => ({ set: () => undefined, inc: () => undefined, dec: () => undefined }),
  histogram: () => ({ observe: () => undefined }),
};

export interface Rig {
  build: Build;
  stack: SipStack;
  model: CallsIndex.CallModel;
  bus: EventBusModule.CoreEventBus;
  port: number;
  pbxPort: number;
  /** New INVITEs refused by overload control (503) so far. */
  refused(): number;
  close(): Promise<void>;
}

export interface RigOptions {
  build: Build;
  agents: number;
  /** Wraps the stack's verbs (the latency phase times INVITE in → agent INVITE out). */
  wrapVerbs?: (verbs: SipVerbs, bus: () => EventBusModule.CoreEventBus) => SipVerbs;
}

/** A Routing Point `5000` with one queue of `agents` Ready agents (10000…), a trunk to the PBX port. */
export async function startRig(options: RigOptions): Promise<Rig> {
  const m = await loadModules(options.build);
  const pbxPort = await freePort();
  const port = await freePort();
  const agents = Array.from({ length: options.agents }, (_, i) => String(10000 + i));
  const dns: DnInput[] = [
    // The queue comes from the routing config: the bare registry here knows only the core's DN options.
    { number: "5000", type: "RoutingPoint" },
    ...agents.map((number): DnInput => ({ number, type: "Extension" })),
    { number: "cucm", type: "Trunk", options: { contact: `sip:127.0.0.1:${pbxPort}` } },
  ];
  const served = new Set(dns.map((d) => d.number));
  const logger: Logger = m.logging.silentLogger();
  let refused = 0;
  const admissionMetrics: Metrics = {
    ...noopMetrics,
    counter: () => ({ inc: () => void refused++ }),
  };
  const loopLimit = process.env.CALLS_BENCH_LOOP_LIMIT;
  const admission =
    loopLimit === undefined
      ? undefined
      : new m.admission.CallAdmission({
          logger,
          metrics: admissionMetrics,
          config: { maxLoopUtilization: Number(loopLimit), maxCalls: 0, maxWaitingPerDn: 0, maxCallsPerSource: 0 },
        });
  const stack = m.sip.createSipStack({
    config: loopbackSipConfig(port, { logMessages: false, shards: BENCH_SHARDS, udpThread: BENCH_UDP_THREAD }),
    logger,
    metrics: noopMetrics,
    isServedDn: (user) => served.has(user),
    tap: process.env.CALLS_BENCH_SIP_TRACE === "on" ? new m.sipTrace.SipTraceStore(m.sipTrace.resolveSipTraceConfig()).tap() : undefined,
    ...(admission ? { admission } : {}),
  });
  await stack.start();
  const dbDir = mkdtempSync(join(tmpdir(), "tandem-calls-bench-"));
  const db = m.database.openDatabase(join(dbDir, "tandem.db"), { writerThread: BENCH_WRITER_THREAD });
  const log = new m.eventLog.EventLog(db, { retentionDays: 0, flushMs: 20, logger });
  const bus = new m.eventBus.CoreEventBus(log, logger);
  const registry = new m.dnRegistry.CoreDnRegistry(db, bus, logger);
  registry.syncFromConfig(dns);
  const hooks = new m.hookHost.HookHost().forPlugin("core");
  const sip = options.wrapVerbs ? options.wrapVerbs(stack.verbs, () => bus) : stack.verbs;
  // As the server wires it (container.ts): answered calls record their dialogs for crash recovery.
  const dialogs = stack.dialogs ? { dialogs: stack.dialogs } : {};
  const storage = m.areaStorage.openAreaStorage(db, m.calls.CALL_STORAGE_ID);
  // The bench serves no HTTP: the model's routes go nowhere.
  const http = new m.pluginHttp.PluginHttpFacade(m.calls.CALL_STORAGE_ID, { addPluginRoute: () => undefined, addPluginWebSocket: () => undefined }, m.calls.CALL_API_PATHS);
  const model = m.calls.createCallModel({ sip, dns: registry, bus, hooks, storage, http, log: logger, config: {}, ...dialogs });
  model.start();
  const config = m.routingConfig.withDefaults({ queues: { sales: { agents } }, routingPoints: { "5000": { queue: "sales" } } });
  const router = new m.router.Router({ dns: registry, bus, log: logger, config });
  hooks.tap(routeCall, (r) => router.route(r));
  router.start();
  for (const dn of agents) {
    registry.requestAgentState({ dn, request: "Login", source: "desktop" });
    registry.requestAgentState({ dn, request: "Ready", source: "desktop" });
  }
  return {
    build: options.build,
    stack,
    model,
    bus,
    port,
    pbxPort,
    refused: () => refused,
    async close() {
      admission?.stop();
      router.stop();
      await model.stop();
      log.close();
      db.close();
      rmSync(dbDir, { recursive: true, force: true });
      await stack.stop();
    },
  };
}
