/**
 * Trusted-peer check (`sip.trustedPeers`): requests from other sources get 403 before any state is kept.
 * RFC 3261 has no such list; operators of a PBX trunk need one. Node's own `net.BlockList` does the
 * CIDR matching, so no hand-written bit twiddling.
 */
import { BlockList, isIP } from "node:net";
import { SipStackErrors } from "../errors.js";

export interface TrustedPeers {
  /** True when `address` may talk to us. */
  allows(address: string): boolean;
}

/**
 * Verdicts kept per source address: `BlockList.check` builds a `SocketAddress` each time, and every message is
 * checked while a PBX talks from a handful of addresses. Cleared when full, so a flood from many sources cannot
 * grow it without bound.
 */
const MAX_REMEMBERED = 4096;

/** Builds the matcher; an empty list accepts everyone. Throws a coded error for a bad entry. */
export function createTrustedPeers(cidrs: readonly string[]): TrustedPeers {
  if (cidrs.length === 0) return { allows: () => true };
  const list = new BlockList();
  for (const entry of cidrs) addEntry(list, entry);
  const verdicts = new Map<string, boolean>();
  return {
    allows: (address) => {
      const known = verdicts.get(address);
      if (known !== undefined) return known;
      const verdict = checkAddress(list, address);
      if (verdicts.size >= MAX_REMEMBERED) verdicts.clear();
      verdicts.set(address, verdict);
      return verdict;
    },
  };
}

function addEntry(list: BlockList, entry: string): void {
  const [address = "", prefixText] = entry.trim().split("/");
  const family = isIP(address);
  if (family === 0) throw SipStackErrors.badTrustedPeer(entry);
  const type = family === 4 ? "ipv4" : "ipv6";
  if (prefixText === undefined) {
    list.addAddress(address, type);
    return;
  }
  const prefix = Number(prefixText);
  const max = family === 4 ? 32 : 128;
  if (!/^\d+$/.test(prefixText) || prefix > max) throw SipStackErrors.badTrustedPeer(entry);
  list.addSubnet(address, prefix, type);
}

function checkAddress(list: BlockList, address: string): boolean {
  // IPv4-mapped IPv6 sources (dual-stack sockets) are checked as the IPv4 address they carry.
  const plain = address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const family = isIP(plain);
  if (family === 0) return false;
  return list.check(plain, family === 4 ? "ipv4" : "ipv6");
}
