/**
 * A call model built from the real core pieces (SQLite, event log + bus, DN registry, hook host) around any
 * SipVerbs: the fake for unit tests, the real stack for sipp tests.
 */
import type { TestContext } from "node:test";
import type Database from "better-sqlite3";
import type { DnInput, EventName, Hooks, Metrics, PluginManifest, PluginRoute, SipVerbs, TandemEvent } from "@tandem/sdk";
import { openDatabase } from "../../../core/src/storage/database.js";
import { openAreaStorage } from "../../../core/src/storage/area-storage.js";
import { EventLog } from "../../../core/src/bus/event-log.js";
import { CoreEventBus } from "../../../core/src/bus/event-bus.js";
import { CoreDnRegistry } from "../../../core/src/registry/dn-registry.js";
import { DnValidator } from "../../../core/src/registry/dn-validation.js";
import { HookHost } from "../../../core/src/plugins/hook-host.js";
import { PluginHttpFacade } from "../../../core/src/plugins/plugin-http.js";
import { createLogger, silentLogger } from "../../../core/src/logging.js";
import { CALL_API_PATHS, CALL_STORAGE_ID, createCallModel, LEGACY_CALL_TABLES, type CallModel, type CallsConfig } from "../../../core/src/calls/index.js";

export interface CallsHarness {
  db: Database.Database;
  bus: CoreEventBus;
  dns: CoreDnRegistry;
  hooks: Hooks;
  hookHost: HookHost;
  model: CallModel;
  /** The HTTP routes the model added (mount them with the admin server's `mountPluginRoute`). */
  routes: PluginRoute[];
  /** Call events (and agent events) seen so far, in order. */
  events: TandemEvent[];
  /** Names of the events of one call, in order, as `Name@dn`. */
  trace(connId: string): string[];
  waitFor(name: EventName, predicate?: (event: TandemEvent) => boolean, timeoutMs?: number): Promise<TandemEvent>;
  /** Logs an agent in and makes it Ready (source `desktop`). */
  ready(dn: string): void;
  close(): Promise<void>;
  /** A crash: the log and database close under the model, which is never stopped. */
  kill(): void;
}

export interface HarnessOptions {
  sip: SipVerbs;
  dns: DnInput[];
  config?: Partial<CallsConfig>;
  /** SQLite path; default in memory. */
  dbPath?: string;
  /** Do not call `model.start()`. */
  noStart?: boolean;
  /** Manifests of the plugins a test stands in for, whose DN options the registry then accepts. */
  plugins?: readonly PluginManifest[];
  metrics?: Metrics;
}

export function createCallsHarness(t: TestContext | undefined, options: HarnessOptions): CallsHarness {
  const logger = process.env.CALLS_LOG ? createLogger("debug") : silentLogger();
  const db = openDatabase(options.dbPath ?? ":memory:");
  const log = new EventLog(db, { retentionDays: 0, flushMs: 20, logger });
  const bus = new CoreEventBus(log, logger);
  const dns = new CoreDnRegistry(db, bus, logger, { validator: DnValidator.forManifests(options.plugins ?? []) });
  dns.syncFromConfig(options.dns);
  const hookHost = new HookHost();
  const hooks = hookHost.forPlugin("core");
  const routes: PluginRoute[] = [];
  const http = new PluginHttpFacade(CALL_STORAGE_ID, { addPluginRoute: (_id, route) => routes.push(route), addPluginWebSocket: () => undefined }, CALL_API_PATHS);
  const model = createCallModel({
    sip: options.sip,
    dns,
    bus,
    hooks,
    // As the server wires it (container.ts).
    storage: openAreaStorage(db, CALL_STORAGE_ID, LEGACY_CALL_TABLES),
    http,
    log: logger,
    config: options.config ?? {},
    ...(options.metrics ? { metrics: options.metrics } : {}),
    lastKnownTime: () => log.lastTsAtOpen,
  });
  const events: TandemEvent[] = [];
  bus.on("*", (event) => events.push(event));
  if (!options.noStart) model.start();
  let closed = false;
  const harness: CallsHarness = {
    db,
    bus,
    dns,
    hooks,
    hookHost,
    model,
    routes,
    events,
    trace: (connId) => events.filter((e) => e.connId === connId).map((e) => `${e.name}@${e.dn ?? ""}`),
    waitFor(name, predicate = () => true, timeoutMs = 5000) {
      const found = events.find((e) => e.name === name && predicate(e));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`no ${name} within ${timeoutMs} ms`));
        }, timeoutMs);
        const off = bus.on(name, (event) => {
          if (!predicate(event)) return;
          clearTimeout(timer);
          off();
          resolve(event);
        });
      });
    },
    ready(dn) {
      dns.requestAgentState({ dn, request: "Login", source: "desktop" });
      dns.requestAgentState({ dn, request: "Ready", source: "desktop" });
    },
    async close() {
      if (closed) return;
      closed = true;
      await model.stop();
      log.close();
      db.close();
    },
    kill() {
      closed = true;
      log.close();
      db.close();
    },
  };
  t?.after(() => harness.close());
  return harness;
}

/** Lets promise chains settle (the model awaits between steps). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
