/**
 * Bearer-token authentication against `admin.tokens`. Tokens are compared as SHA-256 digests with
 * `timingSafeEqual`, and every configured token is checked, so timing reveals neither a prefix nor which entry
 * matched. Routes opt out with `config: { auth: "none" }`.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { errorBody } from "./error-format.js";
import { AdminErrors } from "./errors.js";
import type { RequestGuard } from "./request-guard.js";

export interface AdminToken {
  name: string;
  token: string;
}

/** Who called, by request (a WeakMap instead of a request decorator keeps fastify's types untouched). */
const principals = new WeakMap<FastifyRequest, string>();

export function principalOf(request: FastifyRequest): string | undefined {
  return principals.get(request);
}

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

export class TokenChecker {
  private readonly tokens: Array<{ name: string; digest: Buffer }>;

  constructor(tokens: readonly AdminToken[]) {
    this.tokens = tokens.filter((t) => t.token.length > 0).map((t) => ({ name: t.name, digest: digest(t.token) }));
  }

  /** The name of the token `header` carries, or undefined. */
  check(header: string | undefined): string | undefined {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
    const given = digest(match?.[1] ?? "");
    let found: string | undefined;
    for (const t of this.tokens) {
      if (timingSafeEqual(t.digest, given) && match) found ??= t.name;
    }
    return found;
  }
}

/**
 * Adds the auth check to every route of `scope` whose config does not say `auth: "none"`: a wrong token
 * counts against the source's failed-auth budget, a right one against the token's own limits.
 */
export function requireToken(scope: FastifyInstance, checker: TokenChecker, guard: RequestGuard): void {
  scope.addHook("onRequest", async (request, reply) => {
    const config = request.routeOptions.config as { auth?: string } | undefined;
    if (config?.auth === "none") return;
    const name = checker.check(request.headers.authorization);
    if (name !== undefined) {
      principals.set(request, name);
      return guard.admit(request, reply, name);
    }
    guard.authFailed(request);
    const err = AdminErrors.unauthorized();
    return reply.code(401).header("www-authenticate", 'Bearer realm="tandem"').send(errorBody(err.code, err.message));
  });
}
