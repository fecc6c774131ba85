/**
 * `GET /api/v1/plugins/desktop/ws`: the desktop WebSocket. The route is mounted with `auth: "none"`
 * because desktop tokens are not admin tokens: the plugin checks them itself, from the `Authorization`
 * header or (for browsers, which cannot set headers on a WebSocket) the `token` query parameter.
 */
import type { PluginHttp } from "@tandem/sdk";
import { DesktopSession, type SessionDeps } from "./desktop-session.js";
import { DesktopErrors } from "./errors.js";
import { errorMessage } from "./protocol.js";
import { TokenAuth } from "./token-auth.js";

/** RFC 6455 §7.4.1: 1008 = policy violation (bad token or bad connect parameters). */
const POLICY_VIOLATION = 1008;

export interface WebSocketDeps extends SessionDeps {
  readonly auth: TokenAuth;
  readonly sessions: Set<DesktopSession>;
}

/** `?after=` as a non-negative integer; undefined when absent; NaN when malformed. */
function parseAfter(value: unknown): number | undefined {
  if (value === undefined || value === "") return undefined;
  return typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
}

export function registerWebSocket(http: PluginHttp, deps: WebSocketDeps): void {
  http.websocket({
    path: "/ws",
    auth: "none",
    handler(socket, request) {
      const reject = (err: { code: string; message: string }): void => {
        socket.send(JSON.stringify(errorMessage(err)));
        socket.close(POLICY_VIOLATION, err.code);
      };
      const principal = deps.auth.check(TokenAuth.secretOf(request.headers, request.query));
      if (!principal) {
        request.authFailed?.();
        return reject(DesktopErrors.unauthorized());
      }
      const open = [...deps.sessions].filter((s) => s.principal.name === principal.name).length;
      const tooMany = deps.limits.socketRefusal(principal.name, open);
      if (tooMany) return reject(tooMany);
      const after = parseAfter(request.query["after"]);
      if (Number.isNaN(after)) return reject(DesktopErrors.requestInvalid("connect parameter after", "must be a non-negative integer"));
      const session = new DesktopSession(socket, principal, deps, after, (s) => deps.sessions.delete(s));
      deps.sessions.add(session);
      deps.log.debug({ principal: principal.name }, "desktop connected");
      session.start();
    },
  });
}
