/** Coded errors of the admin HTTP API (`docs/errors.md`, `## admin`). Every error reply uses `{ error: { code, message, details } }`. */
import { defineError } from "@tandem/sdk";

export const AdminErrors = {
  unauthorized: defineError("TANDEM_ERR_API_UNAUTHORIZED", "a valid bearer token from admin.tokens is required", {
    httpStatus: 401,
  }),
  validation: defineError("TANDEM_ERR_API_VALIDATION", "request is invalid: %s", { httpStatus: 400 }),
  badRequest: defineError("TANDEM_ERR_API_BAD_REQUEST", "request is malformed: %s", { httpStatus: 400 }),
  notFound: defineError("TANDEM_ERR_API_NOT_FOUND", "no route %s %s", { httpStatus: 404 }),
  internal: defineError("TANDEM_ERR_API_INTERNAL", "internal error while handling %s %s; see the server log", {
    httpStatus: 500,
  }),
  routesClosed: defineError(
    "TANDEM_ERR_API_ROUTES_CLOSED",
    "plugin %s cannot add route %s: routes can only be added before the admin server starts",
  ),
  routeInvalid: defineError("TANDEM_ERR_API_ROUTE_INVALID", "plugin %s route %s is invalid: %s"),
  uriTooLong: defineError("TANDEM_ERR_API_URI_TOO_LONG", "a path segment of the %s-character URL is longer than the router accepts", {
    httpStatus: 414,
  }),
  headersTooLarge: defineError("TANDEM_ERR_API_HEADERS_TOO_LARGE", "the request line and headers are larger than the server accepts", {
    httpStatus: 431,
  }),
  listen: defineError("TANDEM_ERR_API_LISTEN", "the admin API cannot listen on %s:%s: %s"),
  authThrottled: defineError("TANDEM_ERR_API_AUTH_THROTTLED", "too many failed authentications from %s; retry after %s s", {
    httpStatus: 429,
  }),
  rateLimited: defineError("TANDEM_ERR_API_RATE_LIMITED", "token %s is over its %s requests per second; retry after %s s", {
    httpStatus: 429,
  }),
  tooManySockets: defineError("TANDEM_ERR_API_TOO_MANY_SOCKETS", "token %s already holds %s WebSockets (admin.limits.socketsPerToken)", {
    httpStatus: 429,
  }),
} as const;
