/**
 * One session description per leg, as the peer sees it (RFC 3264 §8, RFC 4566 §5.2): every SDP we send on a
 * leg after the first keeps the first one's `o=` username, session id and address, and its version goes up by
 * one exactly when the description changed. A B2BUA needs this because what it sends on a leg comes from
 * different parties over time (the caller's media moved from a media server to the agent, a transfer target
 * replacing the agent); relaying their own `o=` lines would show the peer a new session in the same dialog,
 * which many endpoints ignore or reject. Only the `o=` line is rewritten: the rest of the SDP goes as it came.
 */

/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 4566 §5.2). */
const ORIGIN_LINE = /^o=(\S+) (\S+) (\S+) (\S+) (\S+) (\S+)[ \t]*$/m;

interface Origin {
  readonly username: string;
  readonly sessionId: string;
  readonly netType: string;
  readonly addrType: string;
  readonly address: string;
}

export class SdpOrigin {
  /** Parsed from the first SDP only when a second one is sent: most legs never send another. */
  private origin: Origin | undefined;
  private version = 0n;
  /** The last SDP we sent: the same string the leg keeps as its `localSdp`, so remembering it costs nothing. */
  private last: string | undefined;

  /** `first`: the SDP already sent on the leg (our 200's answer or our INVITE's offer), if any. */
  constructor(first?: string) {
    this.last = first;
  }

  /** Returns `sdp` with this leg's origin and the right version, and remembers it as the last one sent. */
  stamp(sdp: string): string {
    if (!ORIGIN_LINE.test(sdp)) return sdp;
    if (!this.origin && !(this.last !== undefined && this.adopt(this.last))) {
      // Nothing with an origin was sent yet: this one fixes the leg's origin.
      this.last = sdp;
      return sdp;
    }
    const o = this.origin as Origin;
    // Unchanged description (a session refresh, a re-sent offer): same version (RFC 3264 §8).
    if (withoutOrigin(sdp) !== withoutOrigin(this.last ?? "")) this.version += 1n;
    const stamped = sdp.replace(ORIGIN_LINE, `o=${o.username} ${o.sessionId} ${this.version} ${o.netType} ${o.addrType} ${o.address}`);
    this.last = stamped;
    return stamped;
  }

  private adopt(sdp: string): boolean {
    const match = ORIGIN_LINE.exec(sdp);
    if (!match) return false;
    const [, username, sessionId, version, netType, addrType, address] = match as unknown as [string, string, string, string, string, string, string];
    this.origin = { username, sessionId, netType, addrType, address };
    // sess-version is any 64-bit decimal (RFC 4566 §5.2: NTP timestamps are common): BigInt, never a float.
    this.version = /^\d+$/.test(version) ? BigInt(version) : 0n;
    return true;
  }
}

function withoutOrigin(sdp: string): string {
  return sdp.replace(ORIGIN_LINE, "");
}
