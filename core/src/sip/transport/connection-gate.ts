/**
 * Admission of accepted TCP/TLS connections, decided on the raw socket before any byte is read (and, for TLS,
 * before the handshake costs us anything): a source outside the trusted peers is closed at once, and one source
 * may hold at most `maxPerSource` connections. RFC 3261 §18 sets no such limits; without them one host can hold
 * every connection slot of a listener.
 */
import type { Socket } from "node:net";
import type { Logger } from "@tandem/sdk";
import { TransportErrors } from "./errors.js";
import { normalizeAddress } from "./stream-connection.js";

export interface ConnectionGateOptions {
  /** True when `address` may connect; absent: everyone may. */
  trusts?: ((address: string) => boolean) | undefined;
  /** Accepted connections one source address may hold at once; 0 = no limit. */
  maxPerSource: number;
  logger: Logger;
}

export class ConnectionGate {
  /** Sockets closed at accept, by reason. */
  refusedUntrusted = 0;
  refusedOverLimit = 0;
  private readonly perSource = new Map<string, number>();

  constructor(private readonly options: ConnectionGateOptions) {}

  /** Decides for a freshly accepted socket; an admitted one is counted until it closes, a refused one is not closed here. */
  admit(socket: Socket, transport: string): boolean {
    const address = normalizeAddress(socket.remoteAddress ?? "");
    if (this.options.trusts && !this.options.trusts(address)) {
      this.refusedUntrusted++;
      return this.refuse(transport, address, "source not in sip.trustedPeers");
    }
    const held = this.perSource.get(address) ?? 0;
    if (this.options.maxPerSource > 0 && held >= this.options.maxPerSource) {
      this.refusedOverLimit++;
      return this.refuse(transport, address, `already ${held} connections from this source`);
    }
    this.perSource.set(address, held + 1);
    socket.once("close", () => this.release(address));
    return true;
  }

  /** Debug only: a refused source could otherwise fill the log at the rate it can connect. */
  private refuse(transport: string, address: string, reason: string): false {
    const error = TransportErrors.refused(transport, address, reason);
    this.options.logger.debug({ code: error.code }, error.message);
    return false;
  }

  /** Connections a source holds now. */
  held(address: string): number {
    return this.perSource.get(address) ?? 0;
  }

  private release(address: string): void {
    const held = (this.perSource.get(address) ?? 1) - 1;
    if (held <= 0) this.perSource.delete(address);
    else this.perSource.set(address, held);
  }
}
