/**
 * Where an outbound leg goes and whether a failed INVITE moves on to the next trunk.
 *
 * - Choice: the `selectTrunk` hook's answer; with no handler tapped at all, the single configured trunk (a
 *   `Trunk` DN, else a `VoipService` DN) with the destination put in the user part of its `contact`, then of
 *   each `contact-backup` on failover (the other members of a PBX cluster). Once a handler is tapped, `null`
 *   means no trunk is in service: the core never falls back to a trunk the plugin ruled out.
 * - Failover: each failed INVITE is reported through `reportTrunkFailure`, whose answer says whether to retry;
 *   without a handler the core's own default applies. Busy, decline and our own CANCEL are never retried.
 */
import {
  dnContacts,
  reportTrunkFailure,
  selectTrunk,
  type DnRecord,
  type DnRegistry,
  type Hooks,
  type Logger,
  type TrunkChoice,
  type TrunkFailureReport,
} from "@tandem/sdk";
import { CallErrors } from "./errors.js";

/**
 * Never tried on another trunk: the destination itself answered busy or declined (RFC 3261 §21.4.24, §21.6.1,
 * §21.6.2), or the INVITE was cancelled by us (487, §21.4.26); another trunk would reach the same phone.
 */
export const NEVER_RETRY: readonly number[] = [486, 487, 600, 603];

/** Without a `reportTrunkFailure` handler: a dead trunk (time-out, transport error) or an overloaded one (503). */
export function defaultRetry(report: Pick<TrunkFailureReport, "status" | "origin">): boolean {
  return report.origin === "timeout" || report.origin === "transport" || report.status === 503;
}

/** `sip:host:port;params` + `1001` → `sip:1001@host:port;params` (a user part already there is replaced). */
export function targetThrough(contact: string, destination: string): string {
  const match = /^(sips?):(?:[^@;]*@)?(.+)$/i.exec(contact.trim().replace(/^<|>$/g, ""));
  if (!match) throw CallErrors.noTrunk(destination, `contact ${contact} is not a SIP URI`);
  return `${match[1]}:${destination}@${match[2]}`;
}

/**
 * The trunk the core uses when no `selectTrunk` handler is tapped: attempt `tried` goes to the trunk's
 * contact number `tried` (0 = `contact`, then `contact-backup` in order); undefined when none is left.
 */
export function defaultTrunk(dns: DnRegistry, destination: string, tried = 0): TrunkChoice | undefined {
  const trunks = dns.list({ type: "Trunk" });
  const candidates = trunks.length > 0 ? trunks : dns.list({ type: "VoipService" });
  const trunk = candidates.find((dn) => typeof dn.options.contact === "string");
  if (!trunk) throw CallErrors.noTrunk(destination, "no Trunk or VoipService DN has a contact");
  const contact = dnContacts(trunk).all[tried];
  return contact === undefined ? undefined : { trunk: trunk.number, target: targetThrough(contact, destination) };
}

/** A leg's request for its next trunk. */
export interface TrunkRequest {
  readonly connId: string;
  readonly destination: string;
  readonly routingPoint?: string;
  /** Trunk DNs that already failed for this leg. */
  readonly exclude: readonly string[];
  /** Failed tries so far (the default walks the contact list with it). */
  readonly tried: number;
  /**
   * Request-URIs that already failed for this leg. When given, a handler may name a trunk in `exclude` again
   * through another node (a target not tried yet); without it any trunk in `exclude` counts as a repeat.
   */
  readonly triedTargets?: readonly string[];
}

/**
 * Asks `selectTrunk` (with `exclude`), else {@link defaultTrunk} when no handler is tapped. Undefined when no
 * trunk is left (the handlers answered `null`, or repeated a failed choice); throws `TANDEM_ERR_CALLS_NO_TRUNK`
 * when no handler is tapped and no trunk is configured at all.
 */
export async function chooseTrunk(hooks: Hooks, dns: DnRegistry, request: TrunkRequest): Promise<TrunkChoice | undefined> {
  const { tried, triedTargets, ...selection } = request;
  if (hooks.count(selectTrunk) === 0) return defaultTrunk(dns, request.destination, tried);
  const choice = await hooks.call(selectTrunk, { ...selection, exclude: [...selection.exclude] });
  if (!choice) return undefined;
  // A handler that ignores `exclude` would send the call round the same dead trunk.
  const repeated = triedTargets ? triedTargets.includes(choice.target) : request.exclude.includes(choice.trunk);
  return repeated ? undefined : choice;
}

/**
 * Reports a failed INVITE through `reportTrunkFailure` and says whether the leg tries the next trunk: never for
 * {@link NEVER_RETRY}; else the handler's verdict, or {@link defaultRetry} without one (or when it throws).
 */
export async function retryOnNextTrunk(hooks: Hooks, logger: Logger, report: TrunkFailureReport): Promise<boolean> {
  let verdict: { retry: boolean } | null = null;
  if (hooks.count(reportTrunkFailure) > 0) {
    try {
      verdict = await hooks.call(reportTrunkFailure, report);
    } catch (err) {
      logger.error({ err, connId: report.connId, trunk: report.trunk }, "reportTrunkFailure failed; the default failover rule applies");
    }
  }
  if (NEVER_RETRY.includes(report.status)) return false;
  return verdict ? verdict.retry === true : defaultRetry(report);
}
