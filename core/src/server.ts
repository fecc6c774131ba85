/**
 * Boot and shutdown. `createServer` checks everything first (config, plugins: all problems at once) and
 * builds the services; `start` registers plugins in dependency order, opens the admin and SIP listeners
 * and runs `onReady`; `stop` stops accepting, closes plugins in reverse order, flushes the event log and
 * closes the database.
 */
import type { Logger as PinoLogger } from "pino";
import type { DnInput, Hooks, Logger, PluginDefinition } from "@tandem/sdk";
import type { AdminServer } from "./admin/admin-server.js";
import type { CoreEventBus } from "./bus/event-bus.js";
import type { TandemConfig } from "./config/types.js";
import { buildContainer, type Cradle } from "./container.js";
import "./errors.js";
import { createLogger } from "./logging.js";
import { checkBoot } from "./plugins/boot-checks.js";
import type { PluginHost } from "./plugins/plugin-host.js";
import type { CoreDnRegistry } from "./registry/dn-registry.js";
import { ServerErrors } from "./server-errors.js";
import { SHUTDOWN_DEFAULTS } from "./shutdown-config.js";
import { ShutdownSteps } from "./shutdown-steps.js";
import type { CreateSipStack, SipListenInfo } from "./sip/stack-contract.js";

export interface ServerOptions {
  /** Folder relative paths in the config resolve against (the config file's folder); default the cwd. */
  configDir?: string;
  /** Replacements for core parts (tests inject a fake SIP stack). */
  overrides?: Partial<{ createSipStack: CreateSipStack }>;
  /** Logger to use instead of a pino logger at `log.level`. */
  logger?: Logger | PinoLogger;
  /** Plugin definitions given directly (the test host); enabled even without a config section. */
  plugins?: ReadonlyArray<PluginDefinition<unknown>>;
  /** Open the admin listener in `start` (default true; the test host uses `inject` instead). */
  listenAdmin?: boolean;
}

export interface TandemServer {
  readonly config: TandemConfig;
  readonly bus: CoreEventBus;
  readonly dns: CoreDnRegistry;
  /** Hooks as the core calls them (taps made here are attributed to `core`). */
  readonly hooks: Hooks;
  readonly plugins: PluginHost;
  readonly admin: AdminServer;
  /** Where the admin API listens, once started. */
  readonly adminAddress: { host: string; port: number } | undefined;
  /** The SIP listeners, once started. */
  readonly sipListeners: SipListenInfo[];
  /** The container's services, for the core's own areas (never handed to plugins). */
  readonly services: Cradle;
  start(): Promise<void>;
  /** Graceful shutdown; safe to call twice and after a failed start. */
  stop(): Promise<void>;
}

type State = "created" | "starting" | "started" | "stopping" | "stopped";

function toDnInputs(config: TandemConfig): DnInput[] {
  return config.dns.map(({ number, type, ...options }) => ({ number, type, options }));
}

export async function createServer(rawConfig: unknown, options: ServerOptions = {}): Promise<TandemServer> {
  const plan = await checkBoot(rawConfig, { configDir: options.configDir ?? process.cwd(), extraPlugins: options.plugins ?? [] });
  const logger = (options.logger ?? createLogger(plan.config.log.level)) as Logger;
  // Loaded only when needed, so tests that inject a stack do not load the real one.
  const createSipStack = options.overrides?.createSipStack ?? (await import("./sip/index.js")).createSipStack;
  let server: ServerImpl | undefined;
  const container = buildContainer({
    config: plan.config,
    configDir: options.configDir ?? process.cwd(),
    logger,
    checkedPlugins: plan.plugins,
    createSipStack,
    // Merged by the admin server into GET /api/v1/health beside its own status, version and counts.
    health: () => ({
      state: server?.state ?? "created",
      sip: { listeners: server?.sipListeners ?? [], ...container.cradle.sipStack.stats() },
      plugins: container.cradle.pluginHost.statuses().map((p) => ({ id: p.id, status: p.status })),
    }),
  });
  const services = container.cradle;
  try {
    // Boot order: DB → event log and bus → registry (config DNs) → metrics → SIP stack → admin → plugin host.
    services.registry.syncFromConfig(toDnInputs(plan.config));
    for (const name of ["metrics", "sipStack", "hookHost", "extensions", "admin", "callModel", "pluginHost"] as const) container.resolve(name);
  } catch (err) {
    // Close only what was opened before the failure.
    if (container.cache.has("eventLog")) closeEventLog(services, logger);
    if (container.cache.has("db")) services.db.close();
    throw err;
  }
  server = new ServerImpl(services, logger, options.listenAdmin ?? true);
  return server;
}

function closeEventLog(services: Cradle, logger: Logger): void {
  try {
    services.eventLog.flush();
    services.eventLog.close();
  } catch (err) {
    logger.error({ err }, "event log flush failed at shutdown");
  }
}

/** Flushes the event log and closes the database; errors are logged because shutdown must go on. */
function closeStorage(services: Cradle, logger: Logger): void {
  closeEventLog(services, logger);
  try {
    services.db.close();
  } catch (err) {
    logger.error({ err }, "database close failed at shutdown");
  }
}

class ServerImpl implements TandemServer {
  state: State = "created";
  adminAddress: { host: string; port: number } | undefined;
  sipListeners: SipListenInfo[] = [];
  readonly hooks: Hooks;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly services: Cradle,
    private readonly logger: Logger,
    private readonly listenAdmin: boolean,
  ) {
    this.hooks = services.hookHost.forPlugin("core");
  }

  get config(): TandemConfig { return this.services.config; }
  get bus(): CoreEventBus { return this.services.bus; }
  get dns(): CoreDnRegistry { return this.services.registry; }
  get plugins(): PluginHost { return this.services.pluginHost; }
  get admin(): AdminServer { return this.services.admin; }

  async start(): Promise<void> {
    if (this.state !== "created") throw ServerErrors.state("start", this.state);
    this.state = "starting";
    try {
      await this.services.pluginHost.registerAll();
      if (this.listenAdmin) this.adminAddress = await this.services.admin.listen();
      // Takes INVITEs before the SIP listeners open, after plugins tapped routeCall/selectTrunk.
      this.services.callModel.start();
      this.sipListeners = await this.services.sipStack.start();
      await this.services.pluginHost.ready();
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.state = "started";
    this.logger.info({ admin: this.adminAddress, sip: this.sipListeners, plugins: this.services.pluginHost.ids }, "tandem started");
  }

  /** Every caller of `stop` waits for the same shutdown. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const wasRunning = this.state !== "created";
    this.state = "stopping";
    const steps = new ShutdownSteps(this.config.shutdown?.deadlineMs ?? SHUTDOWN_DEFAULTS.deadlineMs, this.logger);
    const { admin, callModel, sipStack, pluginHost } = this.services;
    // Stop accepting first, so nothing new arrives while plugins close.
    await steps.run("admin close", () => admin.close(), { share: 0.25 });
    // Hang up answered calls (all at once) and refuse waiting ones while SIP can still carry the BYEs and 503s;
    // half the time at most, so a peer that never answers its BYE cannot hold the whole stop.
    // Taken before: a call leaves the model when its first leg is gone, while the other leg's BYE may still wait.
    const releasing = wasRunning ? callModel.active().map((c) => ({ connId: c.connId, state: c.state, agentDn: c.agentDn })) : [];
    if (wasRunning) await steps.run("call release", () => callModel.stop(), { share: 0.5, pending: () => releasing });
    if (wasRunning) await steps.run("sip stop", () => sipStack.stop(), { share: 0.5 });
    await steps.run("plugin close", () => pluginHost.close(), { pending: () => pluginHost.statuses().filter((p) => p.status !== "closed").map((p) => p.id) });
    closeStorage(this.services, this.logger);
    this.state = "stopped";
    this.logger.info("tandem stopped");
  }
}
