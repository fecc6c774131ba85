/**
 * The admin HTTP server (fastify 5) under `/api/v1`: bearer-token auth on everything but `GET /api/v1/health`,
 * JSON Schemas on every route, one error format, OpenAPI + Swagger UI at `/docs`, and plugin routes mounted under
 * `/api/v1/plugins/<id>` with the same rules. Routes may be added until the server first starts (or injects).
 */
import type { AddressInfo } from "node:net";
import Fastify, { type FastifyInstance, type InjectOptions, type LightMyRequestResponse } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import websocket from "@fastify/websocket";
import type { PluginRoute, PluginWebSocketRoute } from "@tandem/sdk";
import { registerCoreMetrics } from "../metrics/core-metrics.js";
import { serveDashboard } from "../dashboard/serve-dashboard.js";
import type { AdminDeps } from "./admin-deps.js";
import { requireToken, TokenChecker } from "./auth.js";
import { installErrorFormat } from "./error-format.js";
import { clientErrorHandler, frameworkErrors } from "./framework-errors.js";
import { AdminErrors } from "./errors.js";
import { checkPluginPath, mountPluginRoute, mountPluginWebSocket } from "./plugin-routes.js";
import { RequestGuard } from "./request-guard.js";
import { agentRoutes } from "./routes/agent-routes.js";
import { dnRoutes } from "./routes/dn-routes.js";
import { eventRoutes } from "./routes/event-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { systemRoutes } from "./routes/system-routes.js";
import type { SseStream } from "./sse-stream.js";

export type { AdminDeps, PluginStatus } from "./admin-deps.js";

export const API_PREFIX = "/api/v1";

export class AdminServer {
  readonly app: FastifyInstance;
  private readonly checker: TokenChecker;
  private readonly guard: RequestGuard;
  private readonly streams = new Set<SseStream>();
  private booted = false;

  constructor(private readonly deps: AdminDeps) {
    this.checker = new TokenChecker(deps.config.tokens);
    this.guard = new RequestGuard(deps.config.limits);
    registerCoreMetrics(deps.metrics.core, { registry: deps.registry, bus: deps.bus });
    this.app = Fastify({
      logger: false,
      // allErrors so a bad body names every bad field at once; no silent removal of unknown keys.
      ajv: { customOptions: { allErrors: true, removeAdditional: false, coerceTypes: "array", useDefaults: true } },
      forceCloseConnections: true,
      frameworkErrors,
      clientErrorHandler,
    });
    this.app.addHook("onReady", async () => {
      this.booted = true;
    });
    installErrorFormat(this.app, deps.logger);
    this.guard.install(this.app);
    void this.app.register(swagger, {
      openapi: {
        openapi: "3.0.3",
        info: { title: "Tandem admin API", version: "1", description: "Bearer token from admin.tokens on every route but /health." },
        components: { securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } } },
        security: [{ bearerAuth: [] }],
      },
    });
    void this.app.register(swaggerUi, { routePrefix: "/docs" });
    serveDashboard(this.app);
    // ws buffers a whole message before handing it over: the size cap must hold at the socket (close 1009).
    void this.app.register(websocket, { options: { maxPayload: this.guard.limits.wsMaxMessageBytes } });
    const startedAt = Date.now();
    void this.app.register(
      async (api) => {
        requireToken(api, this.checker, this.guard);
        healthRoutes(api, deps, startedAt, this.checker);
        dnRoutes(api, deps);
        agentRoutes(api, deps);
        eventRoutes(api, deps, this.streams);
        systemRoutes(api, deps);
      },
      { prefix: API_PREFIX },
    );
  }

  /**
   * Mounts routes of a core area (the call model's `/api/v1/calls`) behind the admin token; the area's
   * routes carry their full path. Only before the server starts.
   */
  addCoreRoutes(area: string, register: (scope: FastifyInstance) => void): void {
    if (this.booted) throw AdminErrors.routesClosed(area, "/");
    void this.app.register(
      async (scope) => {
        requireToken(scope, this.checker, this.guard);
        register(scope);
      },
    );
  }

  /**
   * Mounts a plugin route under `/api/v1/plugins/<id>`, or at `/api/v1<path>` for a `root` route (the plugin
   * host has checked the path against the manifest's `apiPaths`); only before the server starts.
   */
  addPluginRoute(pluginId: string, route: PluginRoute): void {
    this.beforeStart(pluginId, route.path);
    void this.app.register(
      async (scope) => {
        requireToken(scope, this.checker, this.guard);
        mountPluginRoute(scope, pluginId, route, this.guard);
      },
      { prefix: route.root ? API_PREFIX : `${API_PREFIX}/plugins/${pluginId}` },
    );
  }

  /** Mounts a plugin WebSocket endpoint under `/api/v1/plugins/<id>`; only before the server starts. */
  addPluginWebSocket(pluginId: string, route: PluginWebSocketRoute): void {
    this.beforeStart(pluginId, route.path);
    void this.app.register(
      async (scope) => {
        requireToken(scope, this.checker, this.guard);
        mountPluginWebSocket(scope, pluginId, route, this.deps.logger, this.guard);
      },
      { prefix: `${API_PREFIX}/plugins/${pluginId}` },
    );
  }

  /** Starts listening on `admin.host:admin.port` (port 0 = ephemeral). */
  async listen(): Promise<{ host: string; port: number }> {
    const { host, port } = this.deps.config;
    try {
      await this.app.listen({ host, port });
    } catch (err) {
      // EADDRINUSE, EADDRNOTAVAIL, EACCES …: the operator must see which address and why, with a code.
      throw AdminErrors.listen(host, port, err instanceof Error ? err.message : String(err));
    }
    const address = this.app.server.address() as AddressInfo;
    this.deps.logger.info({ host: address.address, port: address.port }, "admin API listening");
    return { host: address.address, port: address.port };
  }

  /** In-process request (tests, the SDK test host). */
  inject(request: InjectOptions): Promise<LightMyRequestResponse> {
    return this.app.inject(request);
  }

  /** Ends live streams and closes the server. */
  async close(): Promise<void> {
    for (const stream of this.streams) stream.close();
    this.streams.clear();
    await this.app.close();
  }

  private beforeStart(pluginId: string, path: string): void {
    if (this.booted) throw AdminErrors.routesClosed(pluginId, path);
    checkPluginPath(pluginId, path);
  }
}
