/**
 * RFC 3261 §18.1.1: "If a request is within 200 bytes of the path MTU … the request MUST be sent using
 * an RFC 2914 congestion controlled transport protocol, such as TCP. If this causes a change in the
 * transport protocol from the one indicated in the top Via, the value in the top Via MUST be changed."
 *
 * What we do: `sip.udpMtu` is taken as the path MTU. A request to a UDP target whose size in bytes is
 * more than `udpMtu - 200` is sent over TCP to the same address and port, with the top Via's transport
 * token changed from UDP to TCP (sent-by is kept as it is). If the TCP connect fails (the peer may not
 * listen on TCP), the original text goes over UDP unchanged, as §18.1.1 permits
 * ("… MAY fall back to UDP"). Responses are never switched: they follow the request's flow (§18.2.2).
 */

/** Bytes of margin below the MTU (RFC 3261 §18.1.1). */
export const UDP_MTU_MARGIN = 200;

/** True when a request of `byteLength` bytes must not go over UDP. */
export function exceedsUdpLimit(byteLength: number, udpMtu: number): boolean {
  return byteLength > udpMtu - UDP_MTU_MARGIN;
}

/** True when the text starts with a request line (not `SIP/2.0 …`). */
export function isRequestText(text: string): boolean {
  return !text.startsWith("SIP/2.0 ");
}

/**
 * Changes the transport token of the top Via (`SIP/2.0/UDP` → `SIP/2.0/<to>`). Returns the text
 * unchanged when the top Via is not over `from` (case-insensitive).
 */
export function rewriteTopViaTransport(text: string, from: string, to: string): string {
  let pos = text.indexOf("\r\n") + 2;
  while (pos > 1 && pos < text.length) {
    let end = text.indexOf("\r\n", pos);
    if (end < 0) end = text.length;
    if (end === pos) return text; // end of headers, no Via
    const colon = text.indexOf(":", pos);
    if (colon > pos && colon < end) {
      const name = text.slice(pos, colon).trim().toLowerCase();
      if (name === "via" || name === "v") return replaceTransport(text, colon + 1, end, from, to);
    }
    pos = end + 2;
  }
  return text;
}

function replaceTransport(text: string, start: number, end: number, from: string, to: string): string {
  // sent-protocol = "SIP" / "2.0" / transport, possibly with LWS around the slashes (§25.1).
  let slashes = 0;
  let i = start;
  for (; i < end && slashes < 2; i++) if (text.charCodeAt(i) === 47) slashes++;
  while (i < end && (text[i] === " " || text[i] === "\t")) i++;
  const tokenEnd = i + from.length;
  if (slashes < 2 || text.slice(i, tokenEnd).toUpperCase() !== from.toUpperCase()) return text;
  return text.slice(0, i) + to + text.slice(tokenEnd);
}

/** Branches moved to TCP are remembered this long, so their ACK and CANCEL follow them (§17.1.1.3, §9.1). */
const MOVED_BRANCH_TTL_MS = 64_000;
/** A peer that refused TCP is not asked again for this long (a firewalled port costs a connect timeout). */
const REFUSED_PEER_TTL_MS = 300_000;

/** What the transport remembers about §18.1.1 switches: moved branches and peers that refused TCP. */
export class UdpToTcpMemory {
  private readonly branches = new Map<string, number>();
  private readonly refused = new Map<string, number>();

  constructor(private readonly clock: () => number) {}

  /** True while some branch is remembered (the hot path skips all work otherwise). */
  get hasMovedBranches(): boolean {
    return this.branches.size > 0;
  }

  branchMoved(branch: string): boolean {
    return this.live(this.branches, branch);
  }

  rememberBranch(branch: string): void {
    if (branch) this.remember(this.branches, branch, MOVED_BRANCH_TTL_MS);
  }

  peerRefusesTcp(address: string, port: number): boolean {
    return this.live(this.refused, `${address}|${port}`);
  }

  rememberRefusal(address: string, port: number): void {
    this.remember(this.refused, `${address}|${port}`, REFUSED_PEER_TTL_MS);
  }

  clear(): void {
    this.branches.clear();
    this.refused.clear();
  }

  private live(map: Map<string, number>, key: string): boolean {
    const until = map.get(key);
    if (until === undefined) return false;
    if (until >= this.clock()) return true;
    map.delete(key);
    return false;
  }

  private remember(map: Map<string, number>, key: string, ttl: number): void {
    const now = this.clock();
    if (map.size >= 1000) for (const [k, until] of map) if (until < now) map.delete(k);
    map.set(key, now + ttl);
  }
}
