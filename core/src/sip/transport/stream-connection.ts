/**
 * One TCP or TLS connection, accepted or opened by us: frames incoming bytes into SIP messages,
 * answers keep-alive pings, and reports its end exactly once. Errors never escape: a socket error or
 * a framing error closes this connection and nothing else.
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
}

export class StreamConnection {
  readonly flow: Flow;
  /** Monotonic ms of the last byte in or out (for idle closing). */
  lastActivity = 0;
  private ended = false;
  private readonly framer: StreamFramer;

  constructor(
    readonly id: string,
    readonly transport: SipTransportName,
    readonly socket: Socket,
    private readonly owner: ConnectionOwner,
    limits: FramerLimits,
    private readonly clock: () => number,
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
        message: (data) => this.owner.message(data, this.flow),
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

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.owner.closed(this);
  }
}

/** `::ffff:127.0.0.1` (dual-stack sockets) → `127.0.0.1`, so flows compare equal to targets. */
export function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
