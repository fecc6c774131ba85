/**
 * `POST /api/v1/plugins/desktop/requests`: the same requests for scripts, one per call. The answer lists
 * every message the request produced: the platform events carrying its `referenceId` on the token's DNs,
 * then EventACK, or an EventError (whose code sets the HTTP status). Stateless: RequestRegisterAddress
 * answers EventRegistered plus, with `after`, the DN's logged events since then (a poll).
 */
import { registeredErrors, type EventBus, type PluginHttp, type PluginHttpReply } from "@tandem/sdk";
import { DesktopErrors } from "./errors.js";
import { errorMessage, toWire, type OutgoingMessage } from "./protocol.js";
import type { RequestHandler } from "./request-handler.js";
import type { RequestValidator } from "./request-validator.js";
import { TokenAuth } from "./token-auth.js";
import type { TokenLimits } from "./token-limits.js";

export interface HttpDeps {
  readonly auth: TokenAuth;
  readonly validator: RequestValidator;
  readonly handler: RequestHandler;
  readonly bus: EventBus;
  readonly maxMessageBytes: number;
  readonly limits: TokenLimits;
}

/** The HTTP status an error code maps to (refusals from other areas without one: 409 Conflict). */
function statusOf(code: string): number {
  return registeredErrors().find((e) => e.code === code)?.httpStatus ?? 409;
}

function reply(messages: OutgoingMessage[]): PluginHttpReply {
  const error = messages.find((m) => m.event === "EventError");
  const status = error && "code" in error ? statusOf(error.code) : 200;
  return { status, body: { messages } };
}

export function registerHttp(http: PluginHttp, deps: HttpDeps): void {
  http.route({
    method: "POST",
    path: "/requests",
    auth: "none",
    schema: {
      summary: "Send one desktop request (desktop token as Bearer)",
      description: "Body: one request of schemas/requests.schema.json. Answer: { messages: [...] } as over the WebSocket.",
    },
    handler: async (request) => {
      const principal = deps.auth.check(TokenAuth.secretOf(request.headers, {}));
      if (!principal) {
        request.authFailed?.();
        const res = reply([errorMessage(DesktopErrors.unauthorized())]);
        return { ...res, headers: { "www-authenticate": 'Bearer realm="tandem-desktop"' } };
      }
      const refusal = deps.limits.takeRequest(principal.name);
      if (refusal) return { ...reply([errorMessage(refusal.error, request.body as object)]), headers: { "retry-after": String(refusal.retryAfter) } };
      const size = Buffer.byteLength(JSON.stringify(request.body ?? null), "utf8");
      if (size > deps.maxMessageBytes) return reply([errorMessage(DesktopErrors.tooLarge(size, deps.maxMessageBytes))]);
      const outcome = deps.validator.check(request.body);
      if (!outcome.ok) return reply([errorMessage(outcome.error, outcome.partial)]);
      const ref = outcome.request.referenceId;
      const messages: OutgoingMessage[] = [];
      // Events caused by this request, on DNs the token may see, in the order they happen.
      const stop = deps.bus.on("*", (event) => {
        if (event.referenceId === ref && event.dn !== undefined && principal.dns.has(event.dn)) messages.push(toWire(event));
      });
      try {
        await deps.handler.handle(outcome.request, { principal, send: (m) => messages.push(m) });
      } finally {
        stop();
      }
      // Events reach the listener before their commit: commit now and hold back any the database refused.
      const committed = deps.bus.lastSeq();
      return reply(messages.filter((m) => !("seq" in m) || m.seq <= committed));
    },
  });
}
