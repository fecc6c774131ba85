/** What the verbs layer (b2bua/) needs from the running stack, so it never sees sockets. */
import type { SipTransportName } from "@tandem/sdk";
import type { Contact, URI } from "sip.js/lib/core/index.js";
import type { SipListenInfo, SipStackDeps } from "../stack-contract.js";
import type { Shard } from "./shard.js";
import type { StackMetrics } from "./stack-metrics.js";

export interface StackPort {
  readonly deps: SipStackDeps;
  readonly metrics: StackMetrics;
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
