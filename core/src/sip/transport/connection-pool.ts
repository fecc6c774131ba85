/**
 * The live TCP/TLS connections, found by id (a Flow's `connectionId`) or by peer address, so requests
 * to a peer reuse a connection to it (RFC 3261 §18.1.1 "SHOULD … reuse") and responses go back on the
 * one the request came on (§18.2.2). Idle connections are closed by one sweep timer, not one timer each.
 */
import type { SipTransportName } from "@tandem/sdk";
import { peerKey } from "./flow.js";
import type { StreamConnection } from "./stream-connection.js";

export class ConnectionPool {
  private readonly byId = new Map<string, StreamConnection>();
  private readonly byPeer = new Map<string, StreamConnection>();
  /** The peer keys each connection is registered under, so removal does not scan `byPeer`. */
  private readonly keysOf = new Map<StreamConnection, string[]>();
  /** Connects under way, so two sends to one peer share one connection. */
  private readonly connecting = new Map<string, Promise<StreamConnection>>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly idleTimeoutMs: number,
    private readonly clock: () => number,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  /** Registers a connection under its id, its remote address and any aliases; a live connection keeps a key it holds. */
  add(connection: StreamConnection, ...aliases: string[]): void {
    this.byId.set(connection.id, connection);
    const { transport, remoteAddress, remotePort } = connection.flow;
    const keys = this.keysOf.get(connection) ?? [];
    for (const key of [peerKey(transport, remoteAddress, remotePort), ...aliases]) {
      const current = this.byPeer.get(key);
      if (current && !current.closed) continue;
      this.byPeer.set(key, connection);
      keys.push(key);
    }
    this.keysOf.set(connection, keys);
    this.startSweeper();
  }

  remove(connection: StreamConnection): void {
    this.byId.delete(connection.id);
    for (const key of this.keysOf.get(connection) ?? []) if (this.byPeer.get(key) === connection) this.byPeer.delete(key);
    this.keysOf.delete(connection);
  }

  byConnectionId(id: string): StreamConnection | undefined {
    const c = this.byId.get(id);
    return c && !c.closed ? c : undefined;
  }

  toPeer(transport: SipTransportName, address: string, port: number): StreamConnection | undefined {
    const c = this.byPeer.get(peerKey(transport, address, port));
    return c && !c.closed ? c : undefined;
  }

  /** Returns the connection to a peer, opening it with `open` unless one exists or is being opened. */
  obtain(transport: SipTransportName, address: string, port: number, open: () => Promise<StreamConnection>): Promise<StreamConnection> {
    const existing = this.toPeer(transport, address, port);
    if (existing) return Promise.resolve(existing);
    const key = peerKey(transport, address, port);
    let pending = this.connecting.get(key);
    if (!pending) {
      pending = open()
        .then((connection) => {
          this.add(connection, key);
          return connection;
        })
        .finally(() => this.connecting.delete(key));
      this.connecting.set(key, pending);
    }
    return pending;
  }

  /** Closes connections idle for longer than the idle timeout. */
  sweep(): number {
    const limit = this.clock() - this.idleTimeoutMs;
    let closed = 0;
    for (const connection of [...this.byId.values()]) {
      if (connection.lastActivity <= limit) {
        connection.close();
        closed++;
      }
    }
    return closed;
  }

  closeAll(): void {
    for (const connection of [...this.byId.values()]) connection.close();
    this.byId.clear();
    this.byPeer.clear();
    this.keysOf.clear();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private startSweeper(): void {
    if (this.sweeper || this.idleTimeoutMs <= 0) return;
    const every = Math.max(50, Math.min(60_000, Math.floor(this.idleTimeoutMs / 4)));
    this.sweeper = setInterval(() => {
      this.sweep();
      if (this.byId.size === 0 && this.sweeper) {
        clearInterval(this.sweeper);
        this.sweeper = undefined;
      }
    }, every);
    this.sweeper.unref();
  }
}
