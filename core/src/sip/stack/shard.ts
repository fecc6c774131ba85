/**
 * One sip.js `UserAgentCore` with its own configuration. The stack runs several, chosen by a hash of the
 * Call-ID, because sip.js scans every live server transaction for each new request (merged-request check,
 * RFC 3261 §8.2.2.2) and one core therefore tops out near 500 INVITE/s (sipjs-fastpath.md).
 */
import {
  LoggerFactory,
  Levels,
  Timers,
  URI,
  UserAgentCore,
  type Contact,
  type Transport,
  type UserAgentCoreConfiguration,
  type UserAgentCoreDelegate,
} from "sip.js/lib/core/index.js";
import type { Logger } from "@tandem/sdk";
import { flat } from "../flat-string.js";
import type { SipTimerConfig } from "../stack-contract.js";
import type { Shard } from "../stack-port.js";
import { SUPPORTED_IN_REQUESTS, SUPPORTED_IN_RESPONSES } from "./option-tags.js";
import { USER_AGENT } from "./stateless-replies.js";

export type { Shard };

/** A Contact value sip.js writes as `Contact: <uri>` in 1xx/2xx and re-SUBSCRIBEs. */
export function makeContact(uri: URI): Contact {
  const text = flat(`<${uri.toString()}>`);
  return { pubGruu: undefined, tempGruu: undefined, uri, toString: () => text };
}

export interface ShardOptions {
  index: number;
  viaHost: string;
  contact: Contact;
  transport: Transport;
  delegate: UserAgentCoreDelegate;
  logger: Logger;
}

export function createShard(options: ShardOptions): Shard {
  const config: UserAgentCoreConfiguration = {
    aor: options.contact.uri,
    contact: options.contact,
    displayName: "",
    loggerFactory: sipJsLoggerFactory(options.logger),
    hackViaTcp: false,
    routeSet: [],
    sipjsId: "",
    // Without a list sip.js writes an empty `Supported:` header (sipjs-fastpath.md, pitfalls).
    // Requests say `timer` only (we never PRACK as a UAC); responses add `100rel` (RFC 3262).
    supportedOptionTags: [...SUPPORTED_IN_REQUESTS],
    supportedOptionTagsResponse: [...SUPPORTED_IN_RESPONSES],
    userAgentHeaderFieldValue: USER_AGENT,
    viaForceRport: true,
    viaHost: options.viaHost,
    authenticationFactory: () => undefined,
    transportAccessor: () => options.transport,
  };
  const core = new UserAgentCore(config, options.delegate);
  return { index: options.index, core, config };
}

/**
 * Ends every transaction, dialog and subscriber of a shard, with their timers. sip.js's `dispose()` leaves
 * a SUBSCRIBE client's Timer N (RFC 6665 §4.1.2.4, 64·T1) running, so stop that wait first.
 */
export function disposeShard(shard: Shard): void {
  for (const subscriber of [...shard.core.subscribers.values()]) subscriber.waitNotifyStop();
  shard.core.dispose();
}

/** sip.js logs at `error` only, into our logger at debug (its warnings are expected traffic on a server). */
function sipJsLoggerFactory(logger: Logger): LoggerFactory {
  const factory = new LoggerFactory();
  factory.builtinEnabled = false;
  factory.level = Levels.error;
  const child = logger.child({ component: "sip.js" });
  // The connector is called for every level whatever `level` says; keep only errors.
  factory.connector = (level, category, _label, content) => {
    if (level !== "error") return;
    child.debug({ level, category }, typeof content === "string" ? content : String(content));
  };
  return factory;
}

/** FNV-1a over the Call-ID: cheap, stable, and spreads random Call-IDs evenly. */
export function shardIndex(callId: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < callId.length; i++) {
    h ^= callId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % count;
}

/**
 * Gives sip.js's own timers (2xx retransmission, Timers B/F/H/L/M/N) the configured T1/T2/T4, so they
 * agree with the reliability layer. sip.js keeps them in one process-wide object; D/I/J/K stay 0 because
 * the reliability layer absorbs retransmissions for sip.js (RFC 3261 §17 Table 4).
 */
export function applySipJsTimers(t: SipTimerConfig): void {
  Timers.T1 = t.t1;
  Timers.T2 = t.t2;
  Timers.T4 = t.t4;
  const sixtyFour = 64 * t.t1;
  Timers.TIMER_B = sixtyFour;
  Timers.TIMER_F = sixtyFour;
  Timers.TIMER_H = sixtyFour;
  Timers.TIMER_L = sixtyFour;
  Timers.TIMER_M = sixtyFour;
  Timers.TIMER_N = sixtyFour;
}
