/**
 * Desktop tokens. Secrets are compared as SHA-256 digests with `timingSafeEqual`, every configured token
 * each time, so timing reveals neither a prefix nor which entry matched (as the admin tokens).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { DesktopErrors } from "./errors.js";
import type { DesktopTokenConfig } from "./manifest.js";

/** Who is connected: the token's name and what it may control. */
export interface DesktopPrincipal {
  readonly name: string;
  readonly dns: ReadonlySet<string>;
  readonly supervisor: boolean;
}

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

export class TokenAuth {
  private readonly entries: Array<{ digest: Buffer; principal: DesktopPrincipal }>;

  /** @throws TANDEM_ERR_DESKTOP_DUPLICATE_TOKEN when two entries share a secret (which one would win is unclear). */
  constructor(tokens: readonly DesktopTokenConfig[]) {
    const seen = new Map<string, string>();
    this.entries = tokens.map((t) => {
      const other = seen.get(t.token);
      if (other !== undefined) throw DesktopErrors.duplicateToken(t.name, other);
      seen.set(t.token, t.name);
      return { digest: digest(t.token), principal: { name: t.name, dns: new Set(t.dns), supervisor: t.supervisor } };
    });
  }

  /** The principal of a bearer secret, or undefined. */
  check(secret: string | undefined): DesktopPrincipal | undefined {
    const given = digest(secret ?? "");
    let found: DesktopPrincipal | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(e.digest, given) && secret) found ??= e.principal;
    }
    return found;
  }

  /** The secret from `Authorization: Bearer …`, else from the `token` query parameter (browsers cannot set headers on WebSocket). */
  static secretOf(headers: Record<string, string | string[] | undefined>, query: Record<string, unknown>): string | undefined {
    const header = headers["authorization"];
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(typeof header === "string" ? header : "");
    if (match?.[1]) return match[1];
    const fromQuery = query["token"];
    return typeof fromQuery === "string" && fromQuery.length > 0 ? fromQuery : undefined;
  }
}

/** Throws TANDEM_ERR_DESKTOP_DN_FORBIDDEN unless the principal may control `dn`. */
export function assertScope(principal: DesktopPrincipal, dn: string): void {
  if (!principal.dns.has(dn)) throw DesktopErrors.dnForbidden(principal.name, dn);
}
