/**
 * TCP and TLS listeners, and outgoing TCP/TLS connects. TLS material comes from PEM files named in
 * `sip.listen[]` (paths relative to the config folder). A listener reports accepted sockets; the
 * transport layer wraps them in `StreamConnection`s.
 */
import { readFileSync } from "node:fs";
import net from "node:net";
import { resolve as resolvePath } from "node:path";
import tls from "node:tls";
import type { SipTransportName } from "@tandem/sdk";
import type { SipListenConfig } from "./listen-config.js";
import { TransportErrors } from "./errors.js";
import { normalizeAddress } from "./stream-connection.js";

/** PEM material for TLS, read once at start. */
export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca: Buffer | undefined;
}

export function readTlsMaterial(listen: SipListenConfig, baseDir: string): TlsMaterial {
  const read = (kind: string, path: string | undefined): Buffer => {
    if (!path) throw TransportErrors.tlsFiles(listen.host, listen.port, kind, "(none given)", "cert and key are required");
    try {
      return readFileSync(resolvePath(baseDir, path));
    } catch (error) {
      throw TransportErrors.tlsFiles(listen.host, listen.port, kind, path, (error as Error).message);
    }
  };
  return { cert: read("cert", listen.cert), key: read("key", listen.key), ca: listen.ca ? read("ca", listen.ca) : undefined };
}

export interface StreamListenerEvents {
  /**
   * Asked for every accepted TCP socket before anything is read from it (for TLS: before the handshake);
   * false closes it at once.
   */
  admit(socket: net.Socket): boolean;
  /** An admitted connection, ready for SIP (for TLS: once the handshake is done). */
  connection(socket: net.Socket): void;
  error(error: Error): void;
  /** TLS handshake failures of accepted sockets. */
  handshakeError(error: Error): void;
}

export class StreamListener {
  private server: net.Server | undefined;
  /** Every accepted socket still open, TLS ones mid-handshake included (the pool knows only finished ones). */
  private readonly sockets = new Set<net.Socket>();
  address = "";
  port = 0;

  constructor(
    readonly transport: Exclude<SipTransportName, "udp">,
    private readonly host: string,
    private readonly requestedPort: number,
    private readonly tlsMaterial: TlsMaterial | undefined,
    private readonly events: StreamListenerEvents,
    private readonly maxConnections = 0,
    /** TLS only: a handshake not done within this time closes the socket (Node's default is 120 s). */
    private readonly handshakeTimeoutMs = 0,
  ) {}

  async start(): Promise<void> {
    const server =
      this.transport === "tls" && this.tlsMaterial
        ? tls.createServer({
            cert: this.tlsMaterial.cert,
            key: this.tlsMaterial.key,
            ca: this.tlsMaterial.ca,
            ...(this.handshakeTimeoutMs > 0 ? { handshakeTimeout: this.handshakeTimeoutMs } : {}),
          })
        : net.createServer();
    if (this.maxConnections > 0) server.maxConnections = this.maxConnections; // beyond it the kernel-accepted socket is closed
    // A TLS server emits `connection` with the raw socket before its handshake, then `secureConnection`.
    server.on("connection", (socket: net.Socket) => {
      if (!this.events.admit(socket)) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
      if (this.transport === "tcp") this.events.connection(socket);
    });
    if (this.transport === "tls") server.on("secureConnection", (socket: net.Socket) => this.events.connection(socket));
    if (this.transport === "tls") {
      // Node reports a failed or timed-out handshake here but leaves the socket open.
      server.on("tlsClientError", (error: Error, socket: tls.TLSSocket) => {
        socket.destroy();
        this.events.handshakeError(error);
      });
    }
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port: this.requestedPort, host: this.host }, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (error) => this.events.error(error));
    const bound = server.address() as net.AddressInfo;
    this.address = normalizeAddress(bound.address);
    this.port = bound.port;
    this.server = server;
  }

  /** Stops accepting and closes what is still open, handshakes under way too (`close` waits for every socket). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }
}

/** Options for outgoing TLS: trust anchors and, when we have one, our certificate for mutual TLS. */
export interface TlsClientOptions {
  ca?: Buffer | string | undefined;
  cert?: Buffer | undefined;
  key?: Buffer | undefined;
  rejectUnauthorized?: boolean;
}

/** Opens a TCP or TLS connection; rejects after `timeoutMs`. */
export function connectStream(
  transport: Exclude<SipTransportName, "udp">,
  address: string,
  port: number,
  timeoutMs: number,
  tlsOptions: TlsClientOptions,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket =
      transport === "tls"
        ? tls.connect({
            host: address,
            port,
            ca: tlsOptions.ca,
            cert: tlsOptions.cert,
            key: tlsOptions.key,
            rejectUnauthorized: tlsOptions.rejectUnauthorized ?? true,
            // SNI must not carry an IP literal (RFC 6066 §3).
            ...(net.isIP(address) ? {} : { servername: address }),
          })
        : net.connect({ host: address, port });
    const timer = setTimeout(() => fail(new Error(`connect timeout after ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once("error", fail);
    socket.once(transport === "tls" ? "secureConnect" : "connect", () => {
      clearTimeout(timer);
      socket.off("error", fail);
      resolve(socket);
    });
  });
}
