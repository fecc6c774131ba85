/**
 * What the verbs (b2bua/, dialogs/, subscriptions/) need from the running stack, so they never see sockets.
 * It lives beside the stack's contract, not in stack/, because stack/ assembles the verbs: both sides depend
 * on this file and neither on the other's insides.
 */
import type { SipTransportName } from "@tandem/sdk";
import type { Contact, URI, UserAgentCore, UserAgentCoreConfiguration } from "sip.js/lib/core/index.js";
import type { SipListenInfo, SipStackDeps } from "./stack-contract.js";

/** One sip.js `UserAgentCore` with its own configuration, chosen by a hash of the Call-ID (stack/shard.ts). */
export interface Shard {
  readonly index: number;
  readonly core: UserAgentCore;
  readonly config: UserAgentCoreConfiguration;
}

export interface StackPort {
  readonly deps: SipStackDeps;
  readonly listeners: readonly SipListenInfo[];
  shardFor(callId: string): Shard;
  /** `host:port` we put in Via/Contact for a transport. */
  sentBy(transport: SipTransportName): string;
  /** Our Contact/From URI for a user on a transport. */
  contactUri(user: string | undefined, transport: SipTransportName): URI;
  /** Our Contact for a user on a transport as sip.js writes it in 1xx/2xx: shared, sip.js only reads it. */
  contact(user: string | undefined, transport: SipTransportName): Contact;
  /** The flow a request with this branch arrived on (transport, source address/port). */
  sourceOf(branch: string): { transport: SipTransportName; address: string; port: number } | undefined;
}
