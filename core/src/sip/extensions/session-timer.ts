/**
 * RFC 4028 session timers as CUCM uses them: the peer sends `Session-Expires: <s>;refresher=uac|uas`
 * (and `Min-SE`). We honour its interval and refresher choice. When we are the refresher we refresh at
 * half the interval (§10); when the peer is and no refresh arrives by `SE - min(32, SE/3)` we send BYE
 * (§10) and the leg ends with `session-timer`.
 */
export const MIN_SE = 90; // RFC 4028 §4: the smallest allowed Session-Expires.

export interface SessionTimerSpec {
  /** Interval in seconds. */
  expires: number;
  /** Who refreshes: `us` or `peer`. */
  refresher: "us" | "peer";
}

/** Reads `Session-Expires: 1800;refresher=uac` (compact `x`). */
export function parseSessionExpires(value: string | undefined): { expires: number; refresher?: "uac" | "uas" } | undefined {
  if (!value) return undefined;
  const [head = "", ...params] = value.split(";");
  const expires = Number.parseInt(head.trim(), 10);
  if (!Number.isFinite(expires) || expires <= 0) return undefined;
  let refresher: "uac" | "uas" | undefined;
  for (const p of params) {
    const [k, v] = p.split("=").map((s) => s.trim().toLowerCase());
    if (k === "refresher" && (v === "uac" || v === "uas")) refresher = v;
  }
  return refresher ? { expires, refresher } : { expires };
}

/**
 * Our decision as UAS of an INVITE or UPDATE carrying Session-Expires (§9): keep the peer's interval;
 * when it named no refresher we ask it (the UAC) to refresh if it supports timers, else we refresh.
 * `Require: timer` goes in the 2xx only when the UAC listed `timer` in Supported (§9).
 */
export function uasSessionTimer(
  sessionExpires: string | undefined,
  supported: string | undefined,
): { spec: SessionTimerSpec; headers: string[] } | undefined {
  const se = parseSessionExpires(sessionExpires);
  if (!se) return undefined;
  const uacSupports = /(^|[\s,])timer($|[\s,])/i.test(supported ?? "");
  const refresher = se.refresher ?? (uacSupports ? "uac" : "uas");
  const headers = [`Session-Expires: ${se.expires};refresher=${refresher}`];
  if (uacSupports) headers.push("Require: timer");
  return { spec: { expires: se.expires, refresher: refresher === "uas" ? "us" : "peer" }, headers };
}

/** Our reading as UAC of the 2xx to our INVITE (§7.2): `refresher=uac` means us. */
export function uacSessionTimer(sessionExpires: string | undefined): SessionTimerSpec | undefined {
  const se = parseSessionExpires(sessionExpires);
  if (!se) return undefined;
  return { expires: se.expires, refresher: se.refresher === "uas" ? "peer" : "us" };
}

/** What a session timer does when it fires (leg-session-timer.ts for a leg's). */
export interface SessionTimerActions {
  /** We are the refresher and half the interval passed (§10): refresh with the current `spec`. */
  refresh(spec: SessionTimerSpec): void;
  /** The peer is the refresher and its refresh did not come in time (§10). */
  expire(): void;
}

/** Drives one dialog's session timer. */
export class SessionTimer {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private spec: SessionTimerSpec,
    private readonly actions: SessionTimerActions,
  ) {
    this.arm();
  }

  /** A refresh happened (either side's re-INVITE/UPDATE succeeded); `spec` may change the interval. */
  refreshed(spec?: SessionTimerSpec): void {
    if (spec) this.spec = spec;
    this.arm();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.stop();
    const s = this.spec.expires;
    const delay = this.spec.refresher === "us" ? s / 2 : s - Math.min(32, s / 3);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.spec.refresher === "us") this.actions.refresh(this.spec);
      else this.actions.expire();
    }, delay * 1000);
    this.timer.unref();
  }
}
