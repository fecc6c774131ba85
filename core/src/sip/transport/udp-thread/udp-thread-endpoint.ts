/**
 * A UDP listener whose socket lives in a thread of its own (udp-socket-thread.ts), with the same face as the
 * in-thread `UdpEndpoint`: datagrams in as `message` events, `send` resolving once the kernel took the datagram.
 * Sends made in one turn of the event loop cross to the thread as one batch, and datagrams received in one turn of
 * the thread's loop come back as one. Should the thread die, the endpoint binds the same port in this thread and
 * goes on there (logged as a warning with `TANDEM_ERR_SIP_TRANSPORT_SOCKET`; sends in flight fail as any send error
 * does).
 */
import { isIPv6 } from "node:net";
import type { Worker } from "node:worker_threads";
import { spawnWorker } from "../../../threads/spawn-worker.js";
import type { Flow } from "../flow.js";
import { UdpEndpoint, type UdpEndpointEvents } from "../udp-endpoint.js";

export interface UdpThreadEvents extends UdpEndpointEvents {
  /** The socket thread died; the port is being bound again in this thread. */
  threadLost(reason: string): void;
}
import { BACKLOG_SLOT, packDatagrams, SHARED_SLOTS, type DatagramBatch, type FromUdpThread, type ToUdpThread, type UdpThreadSettings } from "./udp-thread-protocol.js";

/** Received bytes the SIP thread may hold unread before the socket thread drops datagrams (as the kernel would). */
const BACKLOG_BYTES = 8 * 1024 * 1024;

interface PendingSend {
  resolve(): void;
  reject(error: Error): void;
}

export class UdpThreadEndpoint {
  private worker: Worker | undefined;
  private readonly shared = new Int32Array(new SharedArrayBuffer(SHARED_SLOTS * Int32Array.BYTES_PER_ELEMENT));
  /** The same port bound in this thread, once the socket thread died. */
  private inline: UdpEndpoint | undefined;
  address = "";
  port = 0;
  private outgoing: Array<string | Buffer> = [];
  private outAddresses: string[] = [];
  private outPorts: number[] = [];
  private outWaiting: PendingSend[] = [];
  private posted = 0;
  private readonly inFlight = new Map<number, PendingSend[]>();
  private scheduled = false;
  private stopping = false;
  private onStopped: (() => void) | undefined;

  constructor(
    private readonly host: string,
    private readonly requestedPort: number,
    private readonly socketBufferBytes: number,
    private readonly events: UdpThreadEvents,
  ) {}

  get family(): 4 | 6 {
    return isIPv6(this.host) ? 6 : 4;
  }

  start(): Promise<void> {
    const settings: UdpThreadSettings = {
      host: this.host,
      port: this.requestedPort,
      family: this.family,
      socketBufferBytes: this.socketBufferBytes,
      backlogBytes: BACKLOG_BYTES,
      shared: this.shared,
    };
    const worker = spawnWorker(import.meta.url, "./udp-socket-thread", settings);
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      const failed = (reason: string): void => {
        this.worker = undefined;
        void worker.terminate();
        reject(new Error(reason));
      };
      worker.on("message", (message: FromUdpThread) => {
        if (message.kind === "bound") {
          this.address = message.address;
          this.port = message.port;
          resolve();
        } else if (message.kind === "bind-failed") failed(message.reason);
        else this.fromThread(message);
      });
      worker.on("error", (err) => (this.port === 0 ? failed(err.message) : this.lost(err.message)));
      worker.on("exit", () => (this.port === 0 ? failed("the UDP socket thread exited") : this.lost("the UDP socket thread exited")));
    });
  }

  send(data: string | Buffer, port: number, address: string): Promise<void> {
    if (this.inline) return this.inline.send(data, port, address);
    if (!this.worker || this.stopping) return Promise.reject(new Error("UDP socket closed"));
    return new Promise<void>((resolve, reject) => {
      this.outgoing.push(data);
      this.outAddresses.push(address);
      this.outPorts.push(port);
      this.outWaiting.push({ resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.post());
    });
  }

  async stop(): Promise<void> {
    if (this.inline) return this.inline.stop();
    const worker = this.worker;
    if (!worker || this.stopping) return;
    this.post();
    this.stopping = true;
    await new Promise<void>((resolve) => {
      this.onStopped = resolve;
      worker.postMessage({ kind: "stop" } satisfies ToUdpThread);
    });
    this.worker = undefined;
    this.failPending("UDP socket closed");
  }

  private post(): void {
    this.scheduled = false;
    if (!this.worker || this.outgoing.length === 0) return;
    const batch = packDatagrams(this.outgoing, this.outAddresses, this.outPorts);
    const n = ++this.posted;
    this.inFlight.set(n, this.outWaiting);
    this.outgoing = [];
    this.outAddresses = [];
    this.outPorts = [];
    this.outWaiting = [];
    this.worker.postMessage({ kind: "send", n, batch } satisfies ToUdpThread, [batch.bytes]);
  }

  private fromThread(message: FromUdpThread): void {
    switch (message.kind) {
      case "received":
        return this.received(message.batch, message.keepAlives);
      case "sent": {
        const waiting = this.inFlight.get(message.n) ?? [];
        this.inFlight.delete(message.n);
        const failed = new Map(message.errors);
        waiting.forEach((send, index) => {
          const reason = failed.get(index);
          if (reason === undefined) send.resolve();
          else send.reject(new Error(reason));
        });
        return;
      }
      case "socket-error":
        return this.events.error(new Error(message.reason));
      case "stopped":
        return this.onStopped?.();
      default:
        return;
    }
  }

  private received(batch: DatagramBatch, keepAlives: number): void {
    for (let i = 0; i < keepAlives; i++) this.events.keepAlive();
    let offset = 0;
    batch.lengths.forEach((length, index) => {
      const flow: Flow = {
        transport: "udp",
        remoteAddress: batch.addresses[index] ?? "",
        remotePort: batch.ports[index] ?? 0,
        localAddress: this.address,
        localPort: this.port,
      };
      const data = Buffer.from(batch.bytes, offset, length);
      offset += length;
      try {
        this.events.message(data, flow);
      } catch (err) {
        this.events.error(err instanceof Error ? err : new Error(String(err)));
      }
    });
    Atomics.sub(this.shared, BACKLOG_SLOT, offset);
  }

  /** The thread died under a bound socket: the same port is bound here, and sends in flight fail. */
  private lost(reason: string): void {
    if (this.stopping || this.inline) return;
    this.worker = undefined;
    this.failPending(reason);
    this.events.threadLost(reason);
    const inline = new UdpEndpoint(this.host, this.port, this.events);
    this.inline = inline;
    inline.start().catch((err: unknown) => this.events.error(err instanceof Error ? err : new Error(String(err))));
  }

  private failPending(reason: string): void {
    const error = new Error(reason);
    for (const waiting of this.inFlight.values()) for (const send of waiting) send.reject(error);
    this.inFlight.clear();
    for (const send of this.outWaiting.splice(0)) send.reject(error);
    this.outgoing = [];
    this.outAddresses = [];
    this.outPorts = [];
  }
}
