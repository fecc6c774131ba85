/**
 * The UDP socket thread: owns one SIP UDP listener socket (RFC 3261 §18.3, one message per datagram) and moves
 * datagrams between it and the SIP thread in batches. The send and receive system calls on loopback or a LAN
 * (the sender's call also runs the network stack's delivery) were the largest single cost of a routed call on the
 * SIP thread; here they run on another core.
 */
import dgram from "node:dgram";
import { parentPort, workerData } from "node:worker_threads";
import { normalizeAddress } from "../stream-connection.js";
import { isBlankDatagram } from "../udp-endpoint.js";
import { BACKLOG_SLOT, packDatagrams, type DatagramBatch, type FromUdpThread, type ToUdpThread, type UdpThreadSettings } from "./udp-thread-protocol.js";

const settings = workerData as UdpThreadSettings;
const port = parentPort;

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function tell(message: FromUdpThread, transfer?: ArrayBuffer[]): void {
  port?.postMessage(message, transfer);
}

class Inbox {
  private datagrams: Buffer[] = [];
  private addresses: string[] = [];
  private ports: number[] = [];
  private keepAlives = 0;
  private dropped = 0;
  private scheduled = false;

  take(data: Buffer, rinfo: dgram.RemoteInfo): void {
    if (isBlankDatagram(data)) this.keepAlives++;
    else if (Atomics.load(settings.shared, BACKLOG_SLOT) > settings.backlogBytes) this.dropped++;
    else {
      this.datagrams.push(data);
      this.addresses.push(normalizeAddress(rinfo.address));
      this.ports.push(rinfo.port);
      Atomics.add(settings.shared, BACKLOG_SLOT, data.length);
    }
    if (this.scheduled) return;
    this.scheduled = true;
    // Everything the socket gave in this turn goes as one message.
    setImmediate(() => this.post());
  }

  private post(): void {
    this.scheduled = false;
    const batch = packDatagrams(this.datagrams, this.addresses, this.ports);
    tell({ kind: "received", batch, keepAlives: this.keepAlives, dropped: this.dropped }, [batch.bytes]);
    this.datagrams = [];
    this.addresses = [];
    this.ports = [];
    this.keepAlives = 0;
    this.dropped = 0;
  }
}

function send(socket: dgram.Socket, n: number, batch: DatagramBatch): void {
  const errors: Array<readonly [number, string]> = [];
  let left = batch.lengths.length;
  if (left === 0) return tell({ kind: "sent", n, errors });
  const data = Buffer.from(batch.bytes);
  let offset = 0;
  const done = (index: number, err: Error | null): void => {
    if (err) errors.push([index, err.message]);
    if (--left === 0) tell({ kind: "sent", n, errors });
  };
  batch.lengths.forEach((length, index) => {
    try {
      socket.send(data, offset, length, batch.ports[index] ?? 0, batch.addresses[index] ?? "", (err) => done(index, err));
    } catch (err) {
      // A synchronous refusal (a bad port or address) fails this datagram only.
      done(index, err instanceof Error ? err : new Error(String(err)));
    }
    offset += length;
  });
}

function start(): void {
  if (!port) return;
  const socket = dgram.createSocket({ type: settings.family === 6 ? "udp6" : "udp4" });
  const inbox = new Inbox();
  socket.once("error", (err) => tell({ kind: "bind-failed", reason: reasonOf(err) }));
  socket.bind(settings.port, settings.host, () => {
    socket.removeAllListeners("error");
    for (const set of [() => socket.setRecvBufferSize(settings.socketBufferBytes), () => socket.setSendBufferSize(settings.socketBufferBytes)]) {
      try {
        set();
      } catch {
        // The kernel may cap or refuse; the default buffers still work.
      }
    }
    socket.on("error", (err) => tell({ kind: "socket-error", reason: reasonOf(err) }));
    socket.on("message", (data, rinfo) => inbox.take(data, rinfo));
    const bound = socket.address();
    tell({ kind: "bound", address: normalizeAddress(bound.address), port: bound.port });
  });
  port.on("message", (message: ToUdpThread) => {
    if (message.kind === "send") return send(socket, message.n, message.batch);
    socket.close(() => {
      tell({ kind: "stopped" });
      port.close();
    });
  });
}

start();
