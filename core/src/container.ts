/**
 * The awilix container: one singleton per core service, built lazily in dependency order. Only the
 * server sees it; plugins get a narrow `PluginContext` built from these services.
 */
import { asFunction, asValue, createContainer, InjectionMode, type AwilixContainer } from "awilix";
import type Database from "better-sqlite3";
import type { Logger } from "@tandem/sdk";
import { AdminServer } from "./admin/admin-server.js";
import { CoreEventBus } from "./bus/event-bus.js";
import { EventLog } from "./bus/event-log.js";
import type { TandemConfig } from "./config/types.js";
import { MetricsRegistry } from "./metrics/metrics-registry.js";
import { ExtensionRegistry } from "./plugins/extension-registry.js";
import { HookHost } from "./plugins/hook-host.js";
import { PluginHttpFacade } from "./plugins/plugin-http.js";
import { PluginHost, type CheckedPlugin } from "./plugins/plugin-host.js";
import { provideCallControl } from "./calls/control/create-call-control.js";
import { CALL_API_PATHS, CALL_STORAGE_ID, createCallModel, LEGACY_CALL_TABLES, type CallModel } from "./calls/index.js";
import { CallAdmission } from "./calls/call-admission.js";
import { CoreDnRegistry } from "./registry/dn-registry.js";
import { DnValidator } from "./registry/dn-validation.js";
import type { CreateSipStack, SipStack } from "./sip/stack-contract.js";
import { openAreaStorage } from "./storage/area-storage.js";
import { openDatabase } from "./storage/database.js";
import { CallTimeline, registerCallTraceRoutes, resolveSipTraceConfig, SipTraceStore } from "./sip-trace/index.js";

export const CORE_VERSION = "0.1.0";

/** Everything the container holds. */
export interface Cradle {
  config: TandemConfig;
  logger: Logger;
  checkedPlugins: CheckedPlugin[];
  createSipStack: CreateSipStack;
  /** `/api/v1/health` body, supplied by the server. */
  health: () => Record<string, unknown>;
  db: Database.Database;
  eventLog: EventLog;
  bus: CoreEventBus;
  registry: CoreDnRegistry;
  metrics: MetricsRegistry;
  sipStack: SipStack;
  hookHost: HookHost;
  extensions: ExtensionRegistry;
  admin: AdminServer;
  pluginHost: PluginHost;
  callModel: CallModel;
  sipTrace: SipTraceStore;
}

export interface ContainerInput {
  config: TandemConfig;
  /** Folder relative paths in the config resolve against (TLS cert/key files). */
  configDir: string;
  logger: Logger;
  checkedPlugins: CheckedPlugin[];
  createSipStack: CreateSipStack;
  health: () => Record<string, unknown>;
}

export function buildContainer(input: ContainerInput): AwilixContainer<Cradle> {
  const container = createContainer<Cradle>({ injectionMode: InjectionMode.PROXY, strict: true });
  const child = (c: Cradle, area: string): Logger => c.logger.child({ area });
  container.register({
    config: asValue(input.config),
    logger: asValue(input.logger),
    checkedPlugins: asValue(input.checkedPlugins),
    createSipStack: asValue(input.createSipStack),
    health: asValue(input.health),
    db: asFunction((c: Cradle) => openDatabase(c.config.storage.path, { writerThread: c.config.storage.writerThread })).singleton(),
    eventLog: asFunction(
      (c: Cradle) =>
        new EventLog(c.db, { retentionDays: c.config.storage.eventRetentionDays, flushMs: c.config.storage.eventFlushMs, logger: child(c, "events") }),
    ).singleton(),
    bus: asFunction((c: Cradle) => new CoreEventBus(c.eventLog, child(c, "bus"))).singleton(),
    registry: asFunction(
      (c: Cradle) =>
        new CoreDnRegistry(c.db, c.bus, child(c, "registry"), {
          validator: DnValidator.forManifests(c.checkedPlugins.map((p) => p.definition.manifest)),
        }),
    ).singleton(),
    metrics: asFunction(() => new MetricsRegistry()).singleton(),
    sipStack: asFunction((c: Cradle) =>
      c.createSipStack({
        config: c.config.sip,
        logger: child(c, "sip"),
        metrics: c.metrics.core,
        baseDir: input.configDir,
        isServedDn: (user) => c.registry.get(user) !== undefined,
        admission: new CallAdmission({ config: c.config.admission, logger: child(c, "admission"), metrics: c.metrics.core, bus: c.bus }),
        tap: c.sipTrace.tap(),
      }),
    ).singleton(),
    sipTrace: asFunction((c: Cradle) => new SipTraceStore(resolveSipTraceConfig(c.config.sipTrace))).singleton(),
    hookHost: asFunction(() => new HookHost()).singleton(),
    extensions: asFunction(() => new ExtensionRegistry()).singleton(),
    admin: asFunction(
      (c: Cradle) =>
        new AdminServer({
          config: c.config.admin,
          registry: c.registry,
          bus: c.bus,
          metrics: c.metrics,
          logger: child(c, "admin"),
          // Resolved at call time: the plugin host itself needs the admin server for plugin routes.
          plugins: () => container.cradle.pluginHost.statuses(),
          health: c.health,
        }),
    ).singleton(),
    callModel: asFunction((c: Cradle) => {
      // The call model gets the storage and routes a plugin would (id `calls`), not the database or the server.
      const http = new PluginHttpFacade(CALL_STORAGE_ID, c.admin, CALL_API_PATHS);
      const model = createCallModel({
        sip: c.sipStack.verbs,
        dns: c.registry,
        bus: c.bus,
        hooks: c.hookHost.forPlugin("core"),
        storage: openAreaStorage(c.db, CALL_STORAGE_ID, LEGACY_CALL_TABLES),
        http,
        log: c.logger,
        // Asserted identities are trusted from the SIP stack's own trusted peers unless the calls section says otherwise.
        config: { identityTrustedPeers: c.config.sip.trustedPeers, ...c.config.calls },
        metrics: c.metrics.core,
        ...(c.sipStack.dialogs ? { dialogs: c.sipStack.dialogs } : {}),
        lastKnownTime: () => c.eventLog.lastTsAtOpen,
      });
      http.seal();
      const timeline = new CallTimeline(c.eventLog);
      const traced = { call: (connId: string) => model.get(connId), store: c.sipTrace, timeline, enabled: c.sipTrace.enabled };
      c.admin.addCoreRoutes("call-trace", (scope) => registerCallTraceRoutes(scope, traced));
      // The desktop plugin (and any other) reaches third-party call control through this extension point.
      provideCallControl(c.extensions, model);
      return model;
    }).singleton(),
    pluginHost: asFunction(
      (c: Cradle) =>
        new PluginHost(
          {
            db: c.db,
            logger: c.logger,
            bus: c.bus,
            dns: c.registry,
            sip: c.sipStack.verbs,
            metrics: c.metrics,
            routes: c.admin,
            hooks: c.hookHost,
            extensions: c.extensions,
            coreVersion: CORE_VERSION,
          },
          c.checkedPlugins,
        ),
    ).singleton(),
  });
  return container;
}
