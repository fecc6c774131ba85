/**
 * One TCP or TLS connection, accepted or opened by us: frames incoming bytes into SIP messages,
 * answers keep-alive pings, and reports its end exactly once. Errors never escape: a socket error or
 * a framing error closes this connection and nothing else. A message must arrive whole within
 * `messageTimeoutMs` of its first byte (the header section, and as many body bytes as its Content-Length
 * says): otherwise the peer is holding our buffer and a connection slot, and the connection is closed.
 */
import type { Socket } from "node:net";
import type { SipTransportName } from "@tandem/sdk";
import type { Flow } from "./flow.js";
import { StreamFramer, type FramerLimits } from "./stream-framer.js";

const PONG = Buffer.from("\r\n");
/** A peer that stops reading must not make us buffer without end: past this many unsent bytes we close. */
const MAX_UNSENT_BYTES = 8 * 1024 * 1024;
/** TCP keep-alive probes find connections whose peer vanished (no FIN, e.g. a rebooted PBX node). */
const TCP_KEEPALIVE_MS = 30_000;

export interface ConnectionOwner {
  message(data: Buffer, flow: Flow): void;
  framingError(connection: StreamConnection, reason: string): void;
  socketError(connection: StreamConnection, error: Error): void;
  closed(connection: StreamConnection): void;
  /** A message begun `ageMs` ago is still incomplete; the connection is being closed. */
  incomplete(connection: StreamConnection, ageMs: number): void;
}

export class StreamConnection {
  readonly flow: Flow;
  /** Monotonic ms of the last byte in or out (for idle closing). */
  lastActivity = 0;
  private ended = false;
  private readonly framer: StreamFramer;
  /** Monotonic ms at which the partial message now held began; undefined = none held. */
  private partialSince: number | undefined;
  private partialTimer: NodeJS.Timeout | undefined;
  private delivered = 0;
  private deliveredAtLastCheck = 0;

  constructor(
    readonly id: string,
    readonly transport: SipTransportName,
    readonly socket: Socket,
    private readonly owner: ConnectionOwner,
    limits: FramerLimits,
    private readonly clock: () => number,
    /** 0 = no limit. */
    private readonly messageTimeoutMs = 0,
  ) {
    this.flow = {
      transport,
      remoteAddress: normalizeAddress(socket.remoteAddress ?? ""),
      remotePort: socket.remotePort ?? 0,
      localAddress: normalizeAddress(socket.localAddress ?? ""),
      localPort: socket.localPort ?? 0,
      connectionId: id,
    };
    this.lastActivity = clock();
    this.framer = new StreamFramer(
      {
        message: (data) => {
          this.delivered++;
          this.owner.message(data, this.flow);
        },
        ping: () => void this.write(PONG).catch(() => undefined),
        error: (reason) => {
          this.owner.framingError(this, reason);
          this.close();
        },
      },
      limits,
    );
    socket.setNoDelay(true);
    socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
    socket.on("data", (chunk: Buffer) => {
      this.lastActivity = this.clock();
      this.framer.push(chunk);
      this.watchPartial();
    });
    socket.on("error", (error) => this.owner.socketError(this, error));
    socket.on("close", () => this.finish());
  }

  get closed(): boolean {
    return this.ended || this.socket.destroyed;
  }

  /** Writes bytes; resolves once handed to the kernel, rejects when the connection is gone. */
  write(data: Buffer | string): Promise<void> {
    if (this.closed) return Promise.reject(new Error("connection closed"));
    if (this.socket.writableLength > MAX_UNSENT_BYTES) {
      this.owner.socketError(this, new Error(`peer not reading: ${this.socket.writableLength} bytes unsent`));
      this.close();
      return Promise.reject(new Error("connection closed: peer not reading"));
    }
    this.lastActivity = this.clock();
    return new Promise((resolve, reject) => {
      this.socket.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): void {
    this.socket.destroy();
    this.finish();
  }

  /** After each chunk: when did the partial message now held begin? A message completed in this chunk restarts it. */
  private watchPartial(): void {
    if (this.messageTimeoutMs <= 0 || this.ended) return;
    const completed = this.delivered !== this.deliveredAtLastCheck;
    this.deliveredAtLastCheck = this.delivered;
    if (!this.framer.holdsPartialMessage) {
      this.partialSince = undefined;
      return;
    }
    if (this.partialSince === undefined || completed) this.partialSince = this.clock();
    if (this.partialTimer === undefined) this.armPartialTimer(this.messageTimeoutMs);
  }

  /** One timer per connection at most, re-armed for what is left rather than reset by every chunk. */
  private armPartialTimer(delayMs: number): void {
    this.partialTimer = setTimeout(() => {
      this.partialTimer = undefined;
      if (this.ended || this.partialSince === undefined) return;
      const age = this.clock() - this.partialSince;
      if (age < this.messageTimeoutMs) {
        this.armPartialTimer(this.messageTimeoutMs - age);
        return;
      }
      this.owner.incomplete(this, age);
      this.close();
    }, Math.max(1, delayMs));
    this.partialTimer.unref();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = undefined;
    this.owner.closed(this);
  }
}

/** `::ffff:127.0.0.1` (dual-stack sockets) → `127.0.0.1`, so flows compare equal to targets. */
export function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
