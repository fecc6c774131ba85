/**
 * Maps the SDK's framework-neutral plugin routes onto fastify: the same auth hook, ajv validation and error
 * format as the core routes, and a `PluginSocket` adapter over @fastify/websocket's `ws` socket.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import type { Logger, PluginHttpReply, PluginHttpRequest, PluginRoute, PluginSocket, PluginWebSocketRoute } from "@tandem/sdk";
import { principalOf } from "./auth.js";
import { AdminErrors } from "./errors.js";
import type { RequestGuard } from "./request-guard.js";
import { errors } from "./schemas.js";

const PLUGIN_ID_RE = /^[a-z0-9][a-z0-9-]*$/;

/** Throws when the plugin id or the path cannot be mounted. */
export function checkPluginPath(pluginId: string, path: string): void {
  if (!PLUGIN_ID_RE.test(pluginId)) throw AdminErrors.routeInvalid(pluginId, path, "plugin id must be kebab-case");
  if (!path.startsWith("/")) throw AdminErrors.routeInvalid(pluginId, path, "path must start with /");
}

/** Adds one plugin HTTP route to a scope already prefixed with `/api/v1/plugins/<id>`. */
export function mountPluginRoute(scope: FastifyInstance, pluginId: string, route: PluginRoute, guard: RequestGuard): void {
  const { summary, description, response, ...validation } = route.schema ?? {};
  scope.route({
    method: route.method,
    url: route.path,
    config: authConfig(route.auth),
    schema: {
      tags: [`plugin:${pluginId}`],
      ...validation,
      ...(summary === undefined ? {} : { summary }),
      ...(description === undefined ? {} : { description }),
      ...(response ? { response: { ...errors(400), ...response } } : {}),
      ...(route.auth === "none" ? { security: [] } : {}),
    },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const result = await route.handler(toPluginRequest(request, guard));
      if (isReply(result)) {
        if (result.headers) void reply.headers(result.headers);
        return reply.code(result.status).send(result.body);
      }
      return result === undefined ? reply.code(204).send() : result;
    },
  });
}

/** Adds one plugin WebSocket endpoint (the auth hook runs on the upgrade request). */
export function mountPluginWebSocket(
  scope: FastifyInstance,
  pluginId: string,
  route: PluginWebSocketRoute,
  logger: Logger,
  guard: RequestGuard,
): void {
  const config = authConfig(route.auth);
  const schema = { tags: [`plugin:${pluginId}`], summary: "WebSocket endpoint", ...(route.auth === "none" ? { security: [] } : {}) };
  scope.get(route.path, { websocket: true, config, schema }, (socket: WebSocket, request: FastifyRequest) => {
    try {
      route.handler(adaptSocket(socket, logger.child({ plugin: pluginId, path: route.path })), toPluginRequest(request, guard));
    } catch (err) {
      logger.error({ err, plugin: pluginId, path: route.path }, "plugin WebSocket handler threw");
      socket.close(1011, "internal error");
    }
  });
}

/** Route config read by the auth hook (a plain object: fastify's config type is not augmented on purpose). */
function authConfig(auth: PluginRoute["auth"]): Record<string, unknown> {
  return { auth: auth ?? "admin" };
}

function toPluginRequest(request: FastifyRequest, guard: RequestGuard): PluginHttpRequest {
  const principal = principalOf(request);
  return {
    params: (request.params ?? {}) as Record<string, string>,
    query: (request.query ?? {}) as Record<string, unknown>,
    body: request.body,
    headers: request.headers,
    ...(principal === undefined ? {} : { principal }),
    authFailed: () => guard.authFailed(request),
  };
}

function isReply(value: unknown): value is PluginHttpReply {
  if (typeof value !== "object" || value === null) return false;
  const keys = Object.keys(value);
  return typeof (value as { status?: unknown }).status === "number" && keys.every((k) => k === "status" || k === "body" || k === "headers");
}

/** The SDK's `PluginSocket` over a `ws` socket: text frames only. */
export function adaptSocket(socket: WebSocket, logger: Logger): PluginSocket {
  // A throwing listener must not become an uncaught 'message' error that takes the process down.
  const guard =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (err) {
        logger.error({ err }, "plugin WebSocket listener threw");
        socket.close(1011, "internal error");
      }
    };
  return {
    send: (data) => {
      if (socket.readyState === socket.OPEN) socket.send(data);
    },
    close: (code, reason) => socket.close(code, reason),
    onMessage: (listener) => socket.on("message", guard((data: Buffer | ArrayBuffer | Buffer[]) => listener(toText(data)))),
    onClose: (listener) => socket.on("close", guard((code: number) => listener(code))),
  };
}

function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data as ArrayBuffer).toString("utf8");
}
