/**
 * A stand-in MCU in this process, so the template runs with nothing else installed: each party has a UDP socket,
 * its PCMU frames (RFC 3551 payload type 0) wait in a short queue, and one 20 ms clock mixes every room — each
 * party gets the sum of the heard parties but itself (mix-minus), sent as RTP (RFC 3550 §5.1). Replace this file
 * with a client of your MCU; keep the `MixerBackend` it implements.
 */
import { randomInt } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import alawmulaw from "alawmulaw";
import type { MediaAddress, MixerBackend } from "./mixer-backend.js";

const FRAME_MS = 20;
const SAMPLES = 160;
const PCMU = 0;
const MAX_QUEUED = 3;

interface LoopbackParty {
  readonly socket: Socket;
  remote: MediaAddress | undefined;
  heard: boolean;
  queue: Int16Array[];
  lastMediaAt: number | undefined;
  seq: number;
  timestamp: number;
  readonly ssrc: number;
}

/** The payload of an RTP packet of `payloadType`, or undefined for anything else (RFC 3550 §5.1: CSRCs, extension, padding). */
function rtpPayload(packet: Buffer, payloadType: number): Buffer | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2 || (packet[1]! & 0x7f) !== payloadType) return undefined;
  let offset = 12 + 4 * (packet[0]! & 0x0f);
  if (packet[0]! & 0x10) offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  const padding = packet[0]! & 0x20 ? packet[packet.length - 1]! : 0;
  return offset <= packet.length - padding ? packet.subarray(offset, packet.length - padding) : undefined;
}

export class LoopbackMixer implements MixerBackend {
  private readonly rooms = new Map<string, Map<string, LoopbackParty>>();
  private readonly clock: NodeJS.Timeout;
  private nextTick = performance.now();

  constructor(private readonly address: string) {
    this.clock = setInterval(() => this.catchUp(), FRAME_MS / 2);
  }

  async createRoom(roomId: string): Promise<void> {
    this.rooms.set(roomId, new Map());
  }

  async destroyRoom(roomId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    this.rooms.delete(roomId);
    await Promise.all([...(room?.values() ?? [])].map((p) => new Promise<void>((resolve) => p.socket.close(() => resolve()))));
  }

  async addParty(roomId: string, partyId: string, remote: MediaAddress | undefined, heard: boolean): Promise<MediaAddress> {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error(`no room ${roomId}`);
    const socket = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, this.address, () => resolve());
    });
    const party: LoopbackParty = { socket, remote, heard, queue: [], lastMediaAt: undefined, seq: randomInt(0xffff), timestamp: randomInt(0xffffffff), ssrc: randomInt(0xffffffff) };
    socket.on("message", (packet) => {
      const payload = rtpPayload(packet, PCMU);
      if (!payload || payload.length !== SAMPLES) return;
      party.lastMediaAt = Date.now();
      party.queue.push(alawmulaw.mulaw.decode(payload));
      if (party.queue.length > MAX_QUEUED) party.queue.shift();
    });
    room.set(partyId, party);
    return { address: this.address, port: socket.address().port };
  }

  async setRemote(roomId: string, partyId: string, remote: MediaAddress): Promise<void> {
    const party = this.rooms.get(roomId)?.get(partyId);
    if (party) party.remote = remote;
  }

  async setHeard(roomId: string, partyId: string, heard: boolean): Promise<void> {
    const party = this.rooms.get(roomId)?.get(partyId);
    if (party) party.heard = heard;
  }

  async removeParty(roomId: string, partyId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    const party = room?.get(partyId);
    room?.delete(partyId);
    if (party) await new Promise<void>((resolve) => party.socket.close(() => resolve()));
  }

  lastMediaAt(roomId: string, partyId: string): number | undefined {
    return this.rooms.get(roomId)?.get(partyId)?.lastMediaAt;
  }

  async probe(): Promise<void> {}

  async close(): Promise<void> {
    clearInterval(this.clock);
    await Promise.all([...this.rooms.keys()].map((id) => this.destroyRoom(id)));
  }

  /** Mixes every 20 ms frame that is due; a late timer mixes the missed frames at once rather than drifting. */
  private catchUp(): void {
    for (let n = 0; n < 5 && performance.now() >= this.nextTick; n++) {
      this.nextTick += FRAME_MS;
      for (const room of this.rooms.values()) this.mix(room);
    }
    if (performance.now() >= this.nextTick) this.nextTick = performance.now() + FRAME_MS;
  }

  private mix(room: Map<string, LoopbackParty>): void {
    const frames = new Map<LoopbackParty, Int16Array>();
    const sum = new Int32Array(SAMPLES);
    for (const party of room.values()) {
      const frame = party.queue.shift();
      if (!frame || !party.heard) continue;
      frames.set(party, frame);
      for (let i = 0; i < SAMPLES; i++) sum[i]! += frame[i]!;
    }
    for (const party of room.values()) {
      if (!party.remote) continue;
      const own = frames.get(party);
      const out = new Int16Array(SAMPLES);
      for (let i = 0; i < SAMPLES; i++) out[i] = Math.max(-32768, Math.min(32767, sum[i]! - (own?.[i] ?? 0)));
      const header = Buffer.alloc(12);
      header[0] = 0x80;
      header[1] = PCMU;
      header.writeUInt16BE((party.seq = (party.seq + 1) & 0xffff), 2);
      header.writeUInt32BE((party.timestamp = (party.timestamp + SAMPLES) >>> 0), 4);
      header.writeUInt32BE(party.ssrc, 8);
      party.socket.send(Buffer.concat([header, alawmulaw.mulaw.encode(out)]), party.remote.port, party.remote.address);
    }
  }
}
