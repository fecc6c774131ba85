/** What a SIP listener is configured with and what it reports once up. */
import type { SipTransportName } from "@tandem/sdk";

/** One listener from `sip.listen[]`. */
export interface SipListenConfig {
  transport: SipTransportName;
  host: string;
  port: number;
  /** PEM paths, TLS only. */
  cert?: string;
  key?: string;
  ca?: string;
}

/** A listener that is up. */
export interface SipListenInfo {
  transport: SipTransportName;
  host: string;
  port: number;
}
