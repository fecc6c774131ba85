/**
 * The seam between the core's boot code and the SIP stack: what the server hands the stack and what the
 * stack gives back. The stack itself lives in this folder's sub-folders (README.md).
 */
import type { Logger, Metrics, SipTransportName, SipVerbs } from "@tandem/sdk";
import type { SipMessageTap } from "./message-tap.js";
import type { SipTimerConfig } from "./transactions/timer-config.js";
import type { SipListenConfig, SipListenInfo } from "./transport/listen-config.js";
import type { DialogRecovery } from "./dialog-record.js";

export type { SipListenConfig, SipListenInfo, SipMessageTap, SipTimerConfig };

/** Limits on TCP/TLS connections (`sip.connections`); RFC 3261 §18 leaves them to the implementation. */
export interface SipConnectionLimits {
  /** Close a connection without traffic for this long (ms; 0 = never). */
  idleTimeoutMs: number;
  /** Close a connection whose message (headers, then Content-Length bytes of body) is not whole this long after its first byte (ms). */
  messageTimeoutMs: number;
  /** Accepted connections per TCP/TLS listener. */
  maxPerListener: number;
  /** Accepted connections one source address may hold at once. */
  maxPerSource: number;
}

/** The `sip` section of the config, defaults applied. */
export interface SipConfig {
  listen: SipListenConfig[];
  /** CIDRs whose requests we accept (RFC 3261 has no such thing; operators need it). Empty = accept all. */
  trustedPeers: string[];
  timers: SipTimerConfig;
  /** Number of sip.js UserAgentCore shards (by Call-ID). */
  shards: number;
  /** Host (and port) we put in Via/Contact when it differs from the listen address (NAT); default the listen host. */
  advertisedHost?: string;
  /** Max UDP datagram we send before switching to TCP (RFC 3261 §18.1.1); default 1300. */
  udpMtu: number;
  /** Log every SIP message in and out at debug level with its Call-ID. */
  logMessages: boolean;
  /** UDP listener sockets served by a thread of their own (their system calls off the SIP thread); default false. */
  udpThread?: boolean;
  /** TCP/TLS connection limits; a missing field takes its schema default (`core-schema.ts`). */
  connections?: Partial<SipConnectionLimits>;
}

/** A new call (an INVITE outside any dialog) as the admission check sees it: nothing is kept for it yet. */
export interface InviteAdmissionRequest {
  callId: string;
  /** The dialled DN (Request-URI user part), if any. */
  dn: string | undefined;
  /** The IP address the INVITE came from. */
  sourceAddress: string;
}

/** An INVITE refused by overload control: answered 503 with this Retry-After (RFC 3261 §21.5.4, §20.33). */
export interface InviteRefusal {
  retryAfterSeconds: number;
}

/**
 * Overload control for new calls (call-admission.ts). The receive path asks `check` for every INVITE outside a
 * dialog before it keeps anything for it (no flow, no transaction, no dialog), and answers a refusal 503
 * statelessly (RFC 3261 §8.2.7 allows a UAS under load to act statelessly); the INVITE that then starts a call
 * is counted by `admit` until `release` with its Call-ID (the INVITE refused, cancelled, or its leg ended), and
 * as waiting at its DN until `answered`.
 */
export interface InviteAdmission {
  check(request: InviteAdmissionRequest): InviteRefusal | undefined;
  admit(request: InviteAdmissionRequest): InviteRefusal | undefined;
  answered(callId: string): void;
  release(callId: string): void;
}

/** What the stack needs from the rest of the core. */
export interface SipStackDeps {
  config: SipConfig;
  logger: Logger;
  metrics: Metrics;
  /** True when `user` (a Request-URI user part) is a DN the registry serves; requests for others get 404. */
  isServedDn(user: string): boolean;
  /** Limits on new calls (call-admission.ts); none: every INVITE is taken. */
  admission?: InviteAdmission;
  /** Folder of the config file: relative TLS `cert`/`key`/`ca` paths resolve against it (default: the cwd). */
  baseDir?: string;
  /** Sees every message to or from a trusted peer (the SIP trace, message-tap.ts); none: nothing is traced. */
  tap?: SipMessageTap | undefined;
}

/** The running stack. */
export interface SipStack {
  start(): Promise<SipListenInfo[]>;
  /**
   * Stops listening and ends every timer; dialogs are dropped without signalling, and requests still
   * waiting for an answer reject with `SipError` 503 (origin `transport`).
   */
  stop(): Promise<void>;
  /** The verbs handed to plugins (through the plugin context) and used by the core's call model. */
  readonly verbs: SipVerbs;
  /** Dialog state for crash recovery (dialog-record.ts); a stand-in stack may have none. */
  readonly dialogs?: DialogRecovery;
  /** Counters for `/api/v1/health` and tests. */
  stats(): SipStackStats;
}

export interface SipStackStats {
  messagesIn: number;
  messagesOut: number;
  parseErrors: number;
  retransmissions: number;
  transactions: number;
  dialogs: number;
}

/** Factory the server calls; implemented in `stack/create-sip-stack.ts`. */
export type CreateSipStack = (deps: SipStackDeps) => SipStack;
