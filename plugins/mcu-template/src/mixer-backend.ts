/**
 * What the template adapter needs from an MCU — the one seam a vendor fills with calls to their own product's API
 * (HTTP, WebSocket, gRPC …). `loopback-mixer.ts` implements it in process so the template runs and passes the
 * conformance kit as it is; everything else in this package is the contract's bookkeeping and stays.
 */

/** Where media goes: an IPv4 address and UDP port. */
export interface MediaAddress {
  readonly address: string;
  readonly port: number;
}

export interface MixerBackend {
  createRoom(roomId: string): Promise<void>;
  /** Ends the room and every party in it, releasing their ports. */
  destroyRoom(roomId: string): Promise<void>;
  /**
   * Adds a party receiving PCMU at `remote` (unknown yet for an offerless join) and resolves with the address the
   * MCU receives its RTP on. `heard` false: mixed for nobody (listen-only).
   */
  addParty(roomId: string, partyId: string, remote: MediaAddress | undefined, heard: boolean): Promise<MediaAddress>;
  /** Where the party receives, once its SDP answer (or a re-offer) says so. */
  setRemote(roomId: string, partyId: string, remote: MediaAddress): Promise<void>;
  /** Whether the others hear the party; heard at the next mix. */
  setHeard(roomId: string, partyId: string, heard: boolean): Promise<void>;
  /** Removes the party; resolves once its port is released. */
  removeParty(roomId: string, partyId: string): Promise<void>;
  /** When the party's last RTP packet arrived (ms since the epoch), or undefined for none yet. */
  lastMediaAt(roomId: string, partyId: string): number | undefined;
  /** Resolves when the MCU answers a health probe, rejects when it does not. */
  probe(): Promise<void>;
  close(): Promise<void>;
}
