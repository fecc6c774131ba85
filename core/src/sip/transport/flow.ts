/**
 * Where a message came from or goes to. A Flow is a concrete path we used (the socket or connection);
 * a Target is an address we still have to reach (RFC 3261 §18.1.1 after next-hop selection).
 */
import type { SipTransportName } from "@tandem/sdk";

/** The path a message arrived on or was sent over. */
export interface Flow {
  transport: SipTransportName;
  remoteAddress: string;
  remotePort: number;
  localAddress: string;
  localPort: number;
  /** TCP/TLS only: the connection, so a response goes back on it (RFC 3261 §18.2.2). */
  connectionId?: string;
}

/** An address to send to; TCP/TLS reuse a connection to it or open one. */
export interface Target {
  transport: SipTransportName;
  address: string;
  port: number;
}

/** True for a Flow (it names a local socket), false for a bare Target. */
export function isFlow(to: Flow | Target): to is Flow {
  return (to as Flow).localPort !== undefined;
}

/** Map key for a peer address. */
export function peerKey(transport: SipTransportName, address: string, port: number): string {
  return `${transport}|${address.toLowerCase()}|${port}`;
}

/** Default port for a transport (RFC 3261 §19.1.2). */
export function defaultPort(transport: SipTransportName): number {
  return transport === "tls" ? 5061 : 5060;
}
