/**
 * The SIP transport layer (RFC 3261 §18): UDP, TCP and TLS listeners from `sip.listen[]`, several at
 * once; stream framing by Content-Length in bytes; connection reuse per peer; responses on the
 * connection the request came on, else a new connection to the Via sent-by (§18.2.2); large requests
 * over UDP moved to TCP (§18.1.1, see `udp-size.ts`); accepted connections checked at accept (trusted
 * source, connections per source: `connection-gate.ts`) and closed when a message stays incomplete past
 * `messageTimeoutMs`. It knows nothing of transactions: the stack
 * hands it bytes and a Flow or Target. Socket and framing errors are counted, logged and end only the
 * connection concerned; they never reach the caller as exceptions except as a rejected `send`.
 */
import type { Socket } from "node:net";
import { isIPv6 } from "node:net";
import type { Logger, SipTransportName } from "@tandem/sdk";
import type { SipListenConfig, SipListenInfo } from "./listen-config.js";
import { ConnectionGate } from "./connection-gate.js";
import { ConnectionPool } from "./connection-pool.js";
import { TransportErrors } from "./errors.js";
import { isFlow, type Flow, type Target } from "./flow.js";
import { monotonicNow } from "./monotonic-clock.js";
import { reconnectTarget } from "./next-hop.js";
import { peekOutgoing } from "./outgoing-peek.js";
import { StreamConnection, type ConnectionOwner } from "./stream-connection.js";
import { DEFAULT_FRAMER_LIMITS, type FramerLimits } from "./stream-framer.js";
import { StreamListener, connectStream, readTlsMaterial, type TlsClientOptions, type TlsMaterial } from "./stream-listener.js";
import { SOCKET_BUFFER_BYTES, UdpEndpoint } from "./udp-endpoint.js";
import { UdpThreadEndpoint } from "./udp-thread/udp-thread-endpoint.js";
import { UdpToTcpMemory, exceedsUdpLimit, isRequestText, rewriteTopViaTransport } from "./udp-size.js";

export type { Flow, Target } from "./flow.js";

export interface TransportLayerOptions {
  listen: SipListenConfig[];
  logger: Logger;
  /** Path MTU for §18.1.1 (requests over `udpMtu - 200` bytes go over TCP). */
  udpMtu: number;
  /** Each UDP listener's socket in a thread of its own (udp-thread/), its system calls off this thread. */
  udpThread?: boolean;
  /** One SIP message (a datagram, or one framed stream message). Exceptions thrown here are logged and dropped. */
  onMessage(data: Buffer, flow: Flow): void;
  /** A stream was closed because it could not be framed. */
  onStreamError?(flow: Flow, reason: string): void;
  /** Close TCP/TLS connections without traffic for this long (ms, default 10 min; 0 = never). */
  idleTimeoutMs?: number;
  /** Accepted connections allowed per TCP/TLS listener (default 10 000; 0 = no limit). */
  maxConnections?: number;
  /** Accepted connections one source address may hold (default 0 = no limit; the stack passes `sip.connections.maxPerSource`). */
  maxConnectionsPerSource?: number;
  /**
   * Close a TCP/TLS connection (and a TLS handshake) when a message begun on it is not complete after this long
   * (ms, default 0 = never; the stack passes `sip.connections.messageTimeoutMs`).
   */
  messageTimeoutMs?: number;
  /** Sources allowed to connect to our TCP/TLS listeners; others are closed at accept. Absent: everyone. */
  acceptFrom?(address: string): boolean;
  /** Give up an outgoing connect after this long (ms, default 5000). */
  connectTimeoutMs?: number;
  limits?: Partial<FramerLimits>;
  /** Folder that relative TLS paths are resolved against (the config file's folder). */
  baseDir?: string;
  /** Outgoing TLS trust; defaults to the first TLS listener's `ca` and certificate. */
  tlsClient?: TlsClientOptions;
}

export interface TransportStats {
  messagesIn: number;
  messagesOut: number;
  keepAlives: number;
  framingErrors: number;
  socketErrors: number;
  connectFailures: number;
  connections: number;
  /** Requests moved from UDP to TCP (§18.1.1), and those that fell back to UDP. */
  udpToTcp: number;
  udpFallbacks: number;
  /** Accepted connections closed at once: untrusted source, or the source's connection limit reached. */
  refusedUntrusted: number;
  refusedOverLimit: number;
  /** Connections closed because a message stayed incomplete past `messageTimeoutMs`. */
  incompleteMessages: number;
}

export class TransportLayer {
  private readonly udp: Array<UdpEndpoint | UdpThreadEndpoint> = [];
  private readonly streams: StreamListener[] = [];
  private readonly pool: ConnectionPool;
  private readonly limits: FramerLimits;
  private readonly moved = new UdpToTcpMemory(monotonicNow);
  private readonly counters = { messagesIn: 0, messagesOut: 0, keepAlives: 0, framingErrors: 0, socketErrors: 0, connectFailures: 0, udpToTcp: 0, udpFallbacks: 0, incompleteMessages: 0 };
  private readonly owner: ConnectionOwner;
  private readonly gate: ConnectionGate;
  private tlsMaterial: TlsMaterial | undefined;
  private running = false;
  private nextConnectionId = 1;

  constructor(private readonly options: TransportLayerOptions) {
    this.pool = new ConnectionPool(options.idleTimeoutMs ?? 600_000, monotonicNow);
    this.limits = { ...DEFAULT_FRAMER_LIMITS, ...options.limits };
    this.owner = {
      message: (data, flow) => this.deliver(data, flow),
      framingError: (connection, reason) => this.onFramingError(connection, reason),
      socketError: (connection, error) => this.onSocketError(`${connection.transport} ${connection.id}`, error),
      closed: (connection) => this.pool.remove(connection),
      incomplete: (connection, ageMs) => this.onIncomplete(connection, ageMs),
    };
    this.gate = new ConnectionGate({ trusts: options.acceptFrom, maxPerSource: options.maxConnectionsPerSource ?? 0, logger: options.logger });
  }

  /** Binds every listener; on any failure closes those already bound and throws `TANDEM_ERR_SIP_TRANSPORT_LISTEN`. */
  async start(): Promise<SipListenInfo[]> {
    const infos: SipListenInfo[] = [];
    this.running = true;
    try {
      for (const listen of this.options.listen) infos.push(await this.startListener(listen));
    } catch (error) {
      await this.stop();
      throw error;
    }
    return infos;
  }

  private async startListener(listen: SipListenConfig): Promise<SipListenInfo> {
    const fail = (error: unknown): never => {
      throw TransportErrors.listen(listen.transport, listen.host, listen.port, (error as Error).message);
    };
    if (listen.transport === "udp") {
      const events = {
        message: (data: Buffer, flow: Flow) => this.deliver(data, flow),
        keepAlive: () => this.counters.keepAlives++,
        error: (error: Error) => this.onSocketError(`udp ${endpoint.address}:${endpoint.port}`, error),
        threadLost: (reason: string) => {
          this.counters.socketErrors++;
          const coded = TransportErrors.socket(`udp ${endpoint.address}:${endpoint.port}`, `${reason}; the socket is bound again in the SIP thread`);
          this.options.logger.warn({ code: coded.code }, coded.message);
        },
      };
      const endpoint = this.options.udpThread
        ? new UdpThreadEndpoint(listen.host, listen.port, SOCKET_BUFFER_BYTES, events)
        : new UdpEndpoint(listen.host, listen.port, events);
      await endpoint.start().catch(fail);
      this.udp.push(endpoint);
      return { transport: "udp", host: endpoint.address, port: endpoint.port };
    }
    const transport = listen.transport;
    const material = transport === "tls" ? readTlsMaterial(listen, this.options.baseDir ?? process.cwd()) : undefined;
    this.tlsMaterial ??= material;
    const events = {
      admit: (socket: Socket) => this.running && this.gate.admit(socket, transport),
      connection: (socket: Socket) => this.accept(socket, transport),
      error: (error: Error) => this.onSocketError(`${transport} listener`, error),
      handshakeError: (error: Error) => this.onSocketError("tls handshake", error),
    };
    const listener = new StreamListener(
      transport,
      listen.host,
      listen.port,
      material,
      events,
      this.options.maxConnections ?? 10_000,
      this.options.messageTimeoutMs ?? 0,
    );
    await listener.start().catch(fail);
    this.streams.push(listener);
    return { transport, host: listener.address, port: listener.port };
  }

  /** Closes listeners and every connection. Pending sends reject. */
  async stop(): Promise<void> {
    this.running = false;
    this.pool.closeAll();
    const all = [...this.udp.splice(0), ...this.streams.splice(0)];
    await Promise.all(all.map((l) => l.stop()));
    this.moved.clear();
  }

  stats(): TransportStats {
    const { refusedUntrusted, refusedOverLimit } = this.gate;
    return { ...this.counters, refusedUntrusted, refusedOverLimit, connections: this.pool.size };
  }

  /**
   * Sends one message. To a Flow: over that socket or connection (a response, RFC 3261 §18.2.2). To a
   * Target: UDP from our listener socket, TCP/TLS over a reused or new connection. Resolves with the
   * flow actually used; rejects with a coded error (SIP status 503) when it cannot be sent.
   */
  async send(data: string | Buffer, to: Flow | Target): Promise<Flow> {
    if (!this.running) throw TransportErrors.stopped();
    this.counters.messagesOut++;
    if (to.transport === "udp") return this.sendUdp(data, to);
    return this.sendStream(data, to);
  }

  private async sendUdp(data: string | Buffer, to: Flow | Target): Promise<Flow> {
    const address = isFlow(to) ? to.remoteAddress : to.address;
    const port = isFlow(to) ? to.remotePort : to.port;
    if (!isFlow(to)) {
      const moved = await this.tryOverTcp(data, address, port);
      if (moved) return moved;
    }
    const endpoint = this.udpEndpointFor(to, address);
    try {
      // Text as is: each endpoint encodes it once, where it puts it (dgram, or the socket thread's batch).
      await endpoint.send(data, port, address);
    } catch (error) {
      throw TransportErrors.send("udp", address, port, (error as Error).message);
    }
    if (isFlow(to)) return to;
    return { transport: "udp", remoteAddress: address, remotePort: port, localAddress: endpoint.address, localPort: endpoint.port };
  }

  /** §18.1.1: a large request (or the ACK/CANCEL of one already moved) goes over TCP; undefined = use UDP. */
  private async tryOverTcp(data: string | Buffer, address: string, port: number): Promise<Flow | undefined> {
    const size = typeof data === "string" ? Buffer.byteLength(data) : data.length;
    const large = exceedsUdpLimit(size, this.options.udpMtu);
    if (!large && !this.moved.hasMovedBranches) return undefined; // the hot path: small datagram, nothing moved
    const text = typeof data === "string" ? data : data.toString("utf8");
    if (!isRequestText(text)) return undefined;
    const branch = peekOutgoing(text).branch;
    if (!large && !this.moved.branchMoved(branch)) return undefined;
    if (this.moved.peerRefusesTcp(address, port)) return undefined;
    try {
      const flow = await this.sendStream(rewriteTopViaTransport(text, "UDP", "TCP"), { transport: "tcp", address, port });
      this.counters.udpToTcp++;
      this.moved.rememberBranch(branch);
      return flow;
    } catch (error) {
      this.counters.udpFallbacks++;
      this.moved.rememberRefusal(address, port);
      this.options.logger.debug({ address, port, err: (error as Error).message }, "TCP for a large request failed, falling back to UDP (RFC 3261 §18.1.1)");
      return undefined;
    }
  }

  private udpEndpointFor(to: Flow | Target, address: string): UdpEndpoint | UdpThreadEndpoint {
    if (isFlow(to)) {
      const exact = this.udp.find((u) => u.port === to.localPort && u.address === to.localAddress);
      if (exact) return exact;
    }
    const family = isIPv6(address) ? 6 : 4;
    const endpoint = this.udp.find((u) => u.family === family) ?? this.udp[0];
    if (!endpoint) throw TransportErrors.noListener("udp");
    return endpoint;
  }

  private async sendStream(data: string | Buffer, to: Flow | Target): Promise<Flow> {
    const transport = to.transport as Exclude<SipTransportName, "udp">;
    if (isFlow(to) && to.connectionId) {
      const connection = this.pool.byConnectionId(to.connectionId);
      if (connection) return this.write(connection, data);
    }
    const target = isFlow(to) ? reconnectTarget(typeof data === "string" ? data : data.toString("utf8"), to) : to;
    const connection = await this.pool.obtain(transport, target.address, target.port, () => this.open(transport, target.address, target.port));
    return this.write(connection, data);
  }

  private async write(connection: StreamConnection, data: string | Buffer): Promise<Flow> {
    try {
      await connection.write(data);
    } catch (error) {
      const { transport, remoteAddress, remotePort } = connection.flow;
      throw TransportErrors.send(transport, remoteAddress, remotePort, (error as Error).message);
    }
    return connection.flow;
  }

  private async open(transport: Exclude<SipTransportName, "udp">, address: string, port: number): Promise<StreamConnection> {
    const tlsOptions: TlsClientOptions = {
      ca: this.options.tlsClient?.ca ?? this.tlsMaterial?.ca,
      cert: this.options.tlsClient?.cert ?? this.tlsMaterial?.cert,
      key: this.options.tlsClient?.key ?? this.tlsMaterial?.key,
      rejectUnauthorized: this.options.tlsClient?.rejectUnauthorized ?? true,
    };
    let socket: Socket;
    try {
      socket = await connectStream(transport, address, port, this.options.connectTimeoutMs ?? 5000, tlsOptions);
    } catch (error) {
      this.counters.connectFailures++;
      throw TransportErrors.connect(transport, address, port, (error as Error).message);
    }
    if (!this.running) {
      socket.destroy();
      throw TransportErrors.stopped();
    }
    return this.wrap(socket, transport);
  }

  private accept(socket: Socket, transport: Exclude<SipTransportName, "udp">): void {
    if (!this.running) {
      socket.destroy();
      return;
    }
    this.pool.add(this.wrap(socket, transport));
  }

  private wrap(socket: Socket, transport: Exclude<SipTransportName, "udp">): StreamConnection {
    const id = `${transport}-${this.nextConnectionId++}`;
    return new StreamConnection(id, transport, socket, this.owner, this.limits, monotonicNow, this.options.messageTimeoutMs ?? 0);
  }

  private deliver(data: Buffer, flow: Flow): void {
    this.counters.messagesIn++;
    try {
      this.options.onMessage(data, flow);
    } catch (error) {
      this.options.logger.error({ err: error, flow }, "SIP message handler threw; message dropped");
    }
  }

  private onFramingError(connection: StreamConnection, reason: string): void {
    this.counters.framingErrors++;
    const { remoteAddress, remotePort } = connection.flow;
    const error = TransportErrors.framing(remoteAddress, remotePort, reason);
    this.options.logger.warn({ code: error.code, connection: connection.id }, error.message);
    try {
      this.options.onStreamError?.(connection.flow, reason);
    } catch (err) {
      this.options.logger.error({ err }, "onStreamError handler threw");
    }
  }

  private onIncomplete(connection: StreamConnection, ageMs: number): void {
    this.counters.incompleteMessages++;
    const { remoteAddress, remotePort } = connection.flow;
    const error = TransportErrors.incomplete(remoteAddress, remotePort, String(Math.round(ageMs)));
    this.options.logger.warn({ code: error.code, connection: connection.id }, error.message);
  }

  private onSocketError(where: string, cause: Error): void {
    this.counters.socketErrors++;
    const error = TransportErrors.socket(where, cause.message);
    this.options.logger.debug({ code: error.code }, error.message);
  }
}
