/**
 * Replies fastify and Node's HTTP parser make before any route runs (a path segment above the router's
 * limit, a URL that does not decode, request headers above Node's limit), in the API's one error format.
 */
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { errorBody } from "./error-format.js";
import { AdminErrors } from "./errors.js";

/** fastify's `frameworkErrors` option. */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split("?")[0] ?? request.url;
  if (err.code === "FST_ERR_MAX_PARAM_LENGTH") {
    const coded = AdminErrors.uriTooLong(path.length);
    void reply.code(414).send(errorBody(coded.code, coded.message));
    return;
  }
  const coded = AdminErrors.badRequest(err.message);
  void reply.code(400).send(errorBody(coded.code, coded.message, [{ cause: err.code }]));
}

/** fastify's `clientErrorHandler` option: the request could not even be parsed, so the answer is written raw. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === "ECONNRESET" || socket.destroyed) return;
  const [status, coded] =
    err.code === "HPE_HEADER_OVERFLOW"
      ? [431, AdminErrors.headersTooLarge()]
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, AdminErrors.badRequest("the request was not received in time")]
        : [400, AdminErrors.badRequest(err.code ?? "unreadable request")];
  const body = JSON.stringify(errorBody(coded.code, coded.message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request"}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
