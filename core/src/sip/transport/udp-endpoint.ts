/**
 * One UDP listener socket: each datagram is one SIP message (RFC 3261 §18.3). Datagrams that hold
 * only CR/LF/space are keep-alives (RFC 5626 §3.5.1 allows CRLF on UDP too) and are dropped quietly.
 */
import dgram from "node:dgram";
import { isIPv6 } from "node:net";
import type { Flow } from "./flow.js";
import { normalizeAddress } from "./stream-connection.js";

/** Larger kernel buffers: a burst of INVITEs must not be dropped before we read it (see sip-stack.md). */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

export interface UdpEndpointEvents {
  message(data: Buffer, flow: Flow): void;
  keepAlive(): void;
  error(error: Error): void;
}

/** True when a datagram has no SIP content (CRLF keep-alive or stray blanks). */
export function isBlankDatagram(data: Buffer): boolean {
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c !== 13 && c !== 10 && c !== 32 && c !== 9 && c !== 0) return false;
  }
  return true;
}

export class UdpEndpoint {
  private socket: dgram.Socket | undefined;
  address = "";
  port = 0;

  constructor(
    private readonly host: string,
    private readonly requestedPort: number,
    private readonly events: UdpEndpointEvents,
  ) {}

  get family(): 4 | 6 {
    return isIPv6(this.host) ? 6 : 4;
  }

  async start(): Promise<void> {
    const socket = dgram.createSocket({ type: this.family === 6 ? "udp6" : "udp4" });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(this.requestedPort, this.host, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    for (const set of [() => socket.setRecvBufferSize(SOCKET_BUFFER_BYTES), () => socket.setSendBufferSize(SOCKET_BUFFER_BYTES)]) {
      try {
        set();
      } catch {
        // The kernel may cap or refuse; the default buffers still work.
      }
    }
    const bound = socket.address();
    this.address = normalizeAddress(bound.address);
    this.port = bound.port;
    socket.on("error", (error) => this.events.error(error));
    socket.on("message", (data, rinfo) => this.receive(data, rinfo));
    this.socket = socket;
  }

  private receive(data: Buffer, rinfo: dgram.RemoteInfo): void {
    if (isBlankDatagram(data)) {
      this.events.keepAlive();
      return;
    }
    this.events.message(data, {
      transport: "udp",
      remoteAddress: normalizeAddress(rinfo.address),
      remotePort: rinfo.port,
      localAddress: this.address,
      localPort: this.port,
    });
  }

  send(data: string | Buffer, port: number, address: string): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error("UDP socket closed"));
    return new Promise((resolve, reject) => {
      socket.send(data, port, address, (error) => (error ? reject(error) : resolve()));
    });
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
