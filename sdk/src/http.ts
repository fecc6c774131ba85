/**
 * HTTP and WebSocket routes a plugin adds under `/api/v1/plugins/<id>`. The shapes are framework-neutral
 * so that plugins do not depend on fastify; the core maps them onto its server with the same auth,
 * JSON-Schema validation and error format as the core routes.
 */

/** HTTP methods a plugin route may use. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** JSON Schemas for the parts of a request and for the 2xx response (ajv validates; OpenAPI shows them). */
export interface RouteSchema {
  params?: object;
  querystring?: object;
  body?: object;
  response?: Record<number, object>;
  summary?: string;
  description?: string;
}

/** A request as a plugin handler sees it (already validated). */
export interface PluginHttpRequest<B = unknown, Q = Record<string, unknown>, P = Record<string, string>> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Who called: the token's name from `admin.tokens`, or the scope a plugin's own auth gave. */
  readonly principal?: string;
  /**
   * For routes with `auth: "none"` whose plugin checks its own credentials: report that this request's
   * were wrong. The core counts it against the caller's address, which is refused with 429 once it has
   * failed too often (`admin.limits.failedAuthAttempts`).
   */
  readonly authFailed?: () => void;
}

/** What a handler may return instead of a plain JSON body. */
export interface PluginHttpReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Who may call a route: the admin bearer token (default) or nobody checks (the plugin authenticates). */
export type RouteAuth = "admin" | "none";

/** A plugin HTTP route. */
export interface PluginRoute {
  method: HttpMethod;
  /** Path below `/api/v1/plugins/<id>`, starting with `/` (`/subscriptions`, `/queues/:id`). */
  path: string;
  schema?: RouteSchema;
  auth?: RouteAuth;
  /** Mount at `/api/v1<path>` instead of under the plugin prefix; `path` must lie under one of `manifest.apiPaths`. */
  root?: boolean;
  /** Returns the JSON body (status 200), a {@link PluginHttpReply}, or throws a `TandemError` with `httpStatus`. */
  handler(request: PluginHttpRequest): unknown | Promise<unknown>;
}

/** A WebSocket connection as a plugin sees it. */
export interface PluginSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onMessage(listener: (data: string) => void): void;
  onClose(listener: (code: number) => void): void;
}

/** A plugin WebSocket endpoint. */
export interface PluginWebSocketRoute {
  path: string;
  auth?: RouteAuth;
  handler(socket: PluginSocket, request: PluginHttpRequest): void;
}

/** Route registration; only allowed during `register`. */
export interface PluginHttp {
  /** The URL prefix of this plugin's routes (`/api/v1/plugins/<id>`). */
  readonly prefix: string;
  route(route: PluginRoute): void;
  websocket(route: PluginWebSocketRoute): void;
}
