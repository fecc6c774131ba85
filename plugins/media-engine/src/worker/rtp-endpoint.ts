/**
 * A party's RTP/RTCP socket pair (RFC 3550 §11: RTP on an even port, RTCP on the next one) and the rules for what
 * is let in. Only the host the SDP signalled may send; the first good packet from it latches its source port
 * (symmetric RTP, so a party behind NAT is still reached) and its SSRC. Anything else — another host, another port
 * once latched, another SSRC while the latched one is live, a packet that does not parse, a payload type that was not negotiated, an oversized
 * packet — is dropped and counted. A new SDP from the party (re-INVITE) starts the latching over, and its port
 * takes the latch from any other (with its SSRC at once).
 */
import { randomInt } from "node:crypto";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { isIPv6 } from "node:net";
import type { DropReason, RemoteMedia, WorkerStats } from "../protocol.js";
import { looksLikeRtcp, senderReport } from "./rtcp.js";
import { parseRtp, RTP_HEADER_BYTES, writeRtpHeader, type RtpIn } from "./rtp-packet.js";

/** Largest datagram looked at: 60 ms of G.711 with a full header and then some. */
export const MAX_PACKET_BYTES = 1024;
/** Largest payload taken: 60 ms of G.711 (RFC 3551 §4.5.14 allows up to the MTU, no phone sends more). */
export const MAX_PAYLOAD_BYTES = 480;

/**
 * A new SSRC from the latched source is taken once the current one has been silent this long (RFC 3550 §8.2: a
 * source may change its SSRC, e.g. a phone restarting its stream after hold); until then it is foreign.
 */
export const SSRC_TAKEOVER_MS = 1000;

/** Where accepted packets go; `newStream` when the SSRC changed (the jitter buffer starts over). */
export type RtpSink = (packet: RtpIn, arrival: number, newStream: boolean) => void;

/**
 * The sockets only ever send to IP addresses (the SDP's are checked), so the address is its own lookup: answered at
 * once rather than through `dns.lookup` and a deferred callback for each of the fifty packets a second per party,
 * with the family of the socket's own type rather than a test of the address each time.
 */
function literalLookup(family: 4 | 6) {
  return (address: string, _options: unknown, callback: (err: Error | null, address: string, family: number) => void): void => {
    callback(null, address, family);
  };
}

function bind(socket: Socket, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off("error", reject);
      resolve();
    });
  });
}

function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}

export class RtpEndpoint {
  private remote: RemoteMedia | null = null;
  private latchedPort = -1;
  private latchedRtcpPort = -1;
  private lockedSsrc = -1;
  /** When media last came (or the remote was set): the inactivity clock. */
  lastMediaAt = 0;
  private readonly ssrc = randomInt(0, 2 ** 32 - 1);
  private sequence = randomInt(0, 0xffff);
  private timestamp = randomInt(0, 2 ** 32 - 1);
  private marker = true;
  private packetsSent = 0;
  private octetsSent = 0;
  private closed = false;
  /** The sender's timestamp of the event being passed on, and ours for it. */
  private eventFrom = -1;
  private eventAt = 0;

  private constructor(
    private readonly rtp: Socket,
    private readonly rtcp: Socket,
    private readonly stats: WorkerStats,
    private readonly sink: RtpSink,
  ) {
    rtp.on("message", (msg, rinfo) => this.onRtp(msg, rinfo));
    rtcp.on("message", (msg, rinfo) => this.onRtcp(msg, rinfo));
    // A send to an unreachable party (ICMP port unreachable) must not end the worker.
    rtp.on("error", () => {});
    rtcp.on("error", () => {});
  }

  /** Binds RTP on `port` (even) and RTCP on `port + 1`; rejects with the socket error (EADDRINUSE …). */
  static async open(address: string, port: number, stats: WorkerStats, sink: RtpSink): Promise<RtpEndpoint> {
    const family = isIPv6(address) ? 6 : 4;
    const type = family === 6 ? "udp6" : "udp4";
    const rtp = createSocket({ type, recvBufferSize: 256 * 1024, lookup: literalLookup(family) });
    const rtcp = createSocket({ type, lookup: literalLookup(family) });
    try {
      await bind(rtp, address, port);
      await bind(rtcp, address, port + 1);
    } catch (err) {
      await Promise.all([closeSocket(rtp), closeSocket(rtcp)]);
      throw err;
    }
    return new RtpEndpoint(rtp, rtcp, stats, sink);
  }

  /** The party's negotiated media; latching starts over. */
  setRemote(remote: RemoteMedia, now: number): void {
    this.remote = remote;
    this.latchedPort = -1;
    this.latchedRtcpPort = -1;
    this.lockedSsrc = -1;
    this.lastMediaAt = now;
  }

  get media(): RemoteMedia | null {
    return this.remote;
  }

  /**
   * Sends one frame of G.711 to the party (when its SDP lets it receive). The socket stays unconnected although a
   * connected one saves the kernel a route look-up per send (about a tenth of this call's time here): once
   * connected, the kernel would drop other sources' packets before the endpoint counts them as foreign. Each send
   * takes a fresh packet (a slice of Node's buffer pool): a send the kernel cannot take at once is queued by libuv
   * holding the buffer, so one reused per party could be rewritten by the next tick before it went out.
   */
  send(payload: Uint8Array, samples: number): void {
    const remote = this.remote;
    if (!remote || !remote.receives || this.closed) return;
    const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
    writeRtpHeader(packet, remote.payloadType, this.marker, this.sequence, this.timestamp, this.ssrc);
    packet.set(payload, RTP_HEADER_BYTES);
    this.marker = false;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + samples) >>> 0;
    this.packetsSent++;
    this.octetsSent += payload.length;
    this.stats.packetsOut++;
    this.rtp.send(packet, this.latchedPort >= 0 ? this.latchedPort : remote.rtpPort, remote.host);
  }

  /**
   * Passes on one RFC 4733 event packet from another party in this party's own stream: its SSRC and sequence, and
   * one timestamp per event — the time of our stream when the event began (§2.3.1, §2.5.1.2) — mapped from the
   * sender's event timestamp.
   */
  sendEvent(payload: Uint8Array, senderTimestamp: number, senderMarker: boolean): void {
    const remote = this.remote;
    if (!remote || !remote.receives || remote.telephoneEventPt < 0 || this.closed) return;
    const fresh = this.eventFrom !== senderTimestamp;
    if (fresh) {
      this.eventFrom = senderTimestamp;
      // Two events must not share a start timestamp (§2.5.2.1), even when they come within one mixer frame.
      this.eventAt = this.timestamp === this.eventAt ? (this.timestamp + 1) >>> 0 : this.timestamp;
    }
    const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
    writeRtpHeader(packet, remote.telephoneEventPt, fresh && senderMarker, this.sequence, this.eventAt, this.ssrc);
    packet.set(payload, RTP_HEADER_BYTES);
    this.sequence = (this.sequence + 1) & 0xffff;
    this.packetsSent++;
    this.octetsSent += payload.length;
    this.stats.packetsOut++;
    this.rtp.send(packet, this.latchedPort >= 0 ? this.latchedPort : remote.rtpPort, remote.host);
  }

  /** Frames the mixer could not send in time: the media clock moves on by them (RFC 3550 §5.1: sampling instants). */
  skip(frames: number): void {
    this.timestamp = (this.timestamp + frames * 160) >>> 0;
  }

  /** Sends an RTCP sender report (RFC 3550 §6.4.1) to the party. */
  sendReport(cname: string): void {
    const remote = this.remote;
    if (!remote || !remote.receives || this.closed || this.packetsSent === 0) return;
    const report = senderReport({ ssrc: this.ssrc, rtpTimestamp: this.timestamp, packets: this.packetsSent, octets: this.octetsSent }, cname);
    this.rtcp.send(report, this.latchedRtcpPort >= 0 ? this.latchedRtcpPort : remote.rtcpPort, remote.host);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([closeSocket(this.rtp), closeSocket(this.rtcp)]);
  }

  private drop(reason: DropReason): void {
    this.stats.dropped[reason]++;
  }

  private onRtp(msg: Buffer, rinfo: RemoteInfo): void {
    this.stats.packetsIn++;
    const remote = this.remote;
    if (!remote || rinfo.address !== remote.host) return this.drop("foreign-source");
    // The port the SDP names takes the latch back (RFC 3264 §8: the new SDP says where the media now is; latching
    // only stands in for it behind a NAT): after a re-INVITE moved the party, packets still in flight from its old
    // port latch first, and the new port's packets would be foreign from then on.
    const moved = this.latchedPort >= 0 && rinfo.port !== this.latchedPort;
    if (moved && rinfo.port !== remote.rtpPort) return this.drop("foreign-source");
    if (msg.length > MAX_PACKET_BYTES) return this.drop("oversize");
    const packet = parseRtp(msg);
    if (!packet) return this.drop("malformed");
    if (packet.payloadType !== remote.payloadType && packet.payloadType !== remote.telephoneEventPt) return this.drop("payload-type");
    if (packet.payload.length > MAX_PAYLOAD_BYTES) return this.drop("oversize");
    const now = performance.now();
    const newStream = this.lockedSsrc >= 0 && packet.ssrc !== this.lockedSsrc;
    if (newStream && !moved && now - this.lastMediaAt < SSRC_TAKEOVER_MS) return this.drop("foreign-ssrc");
    this.lockedSsrc = packet.ssrc;
    this.latchedPort = rinfo.port;
    this.lastMediaAt = now;
    this.sink(packet, now, newStream);
  }

  private onRtcp(msg: Buffer, rinfo: RemoteInfo): void {
    this.stats.packetsIn++;
    const remote = this.remote;
    if (!remote || rinfo.address !== remote.host) return this.drop("foreign-source");
    if (this.latchedRtcpPort >= 0 && rinfo.port !== this.latchedRtcpPort && rinfo.port !== remote.rtcpPort) return this.drop("foreign-source");
    if (msg.length > MAX_PACKET_BYTES) return this.drop("oversize");
    if (!looksLikeRtcp(msg)) return this.drop("malformed");
    this.latchedRtcpPort = rinfo.port;
  }
}
