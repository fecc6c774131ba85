/**
 * A Janus API connection over its WebSocket transport (subprotocol `janus-protocol`): requests matched to their
 * replies by `transaction`, one session, plugin handles, and the keepalive Janus needs to keep a session past its
 * `session_timeout`. Asynchronous plugin requests (`join`) are answered by an `ack` and later an `event` with the
 * same transaction; the promise settles on the event.
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";

/** A Janus reply or event, as far as the adapter reads it. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: unknown;
}

/** The Janus plugin the adapter drives. */
export const AUDIOBRIDGE = "janus.plugin.audiobridge";

/** A failed Janus request: the core's error, or the plugin's `error_code`/`error`. */
export class JanusRequestError extends Error {
  constructor(
    readonly what: string,
    readonly janusCode: number,
    reason: string,
  ) {
    super(`${what}: ${reason} (Janus error ${janusCode})`);
  }
}

interface Pending {
  resolve(message: JanusMessage): void;
  reject(error: Error): void;
  what: string;
  ackIsReply: boolean;
  timer: NodeJS.Timeout;
}

export class JanusClient {
  private readonly pending = new Map<string, Pending>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | undefined;
  sessionId = 0;

  private constructor(
    private readonly socket: WebSocket,
    private readonly timeoutMs: number,
  ) {
    socket.on("message", (raw) => this.onMessage(String(raw)));
    socket.on("close", (code) => this.onClosed(`WebSocket closed (${code})`));
    socket.on("error", (error) => this.onClosed(error.message));
  }

  /** Connects and creates a session; rejects when Janus does not answer within `timeoutMs`. */
  static async connect(url: string, timeoutMs: number): Promise<JanusClient> {
    const socket = new WebSocket(url, "janus-protocol", { handshakeTimeout: timeoutMs });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const client = new JanusClient(socket, timeoutMs);
    const created = await client.send({ janus: "create" }, "create session");
    client.sessionId = created.data?.id ?? 0;
    return client;
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Attaches a new handle to `plugin` (each AudioBridge participant needs its own). */
  async attach(plugin: string): Promise<number> {
    const reply = await this.send({ janus: "attach", plugin, session_id: this.sessionId }, `attach ${plugin}`);
    return reply.data?.id ?? 0;
  }

  /** Detaches a handle: the plugin ends what it held for it (an AudioBridge participant leaves, its port closes). */
  async detach(handleId: number): Promise<void> {
    await this.send({ janus: "detach", session_id: this.sessionId, handle_id: handleId }, "detach");
  }

  /** A plugin request on `handleId`; resolves with the plugin's data, rejects with its error. */
  async message(handleId: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const what = `${String(body.request)} request`;
    const reply = await this.send({ janus: "message", session_id: this.sessionId, handle_id: handleId, body }, what);
    const data = reply.plugindata?.data ?? {};
    if (typeof data.error_code === "number") throw new JanusRequestError(what, data.error_code, String(data.error ?? "unknown error"));
    return data;
  }

  /** Keeps the session alive (Janus answers with an `ack`); rejects when the session or Janus is gone. */
  async keepalive(): Promise<void> {
    await this.send({ janus: "keepalive", session_id: this.sessionId }, "keepalive", true);
  }

  /** Destroys the session (Janus detaches every handle of it) and closes the socket. */
  async close(): Promise<void> {
    if (!this.closed && this.sessionId) await this.send({ janus: "destroy", session_id: this.sessionId }, "destroy session").catch(() => undefined);
    this.socket.close();
    this.onClosed("closed by the adapter");
  }

  /** Drops the connection without a word to Janus (its session is gone or Janus does not answer). */
  abort(reason: string): void {
    this.socket.terminate();
    this.onClosed(reason);
  }

  private send(request: Record<string, unknown>, what: string, ackIsReply = false): Promise<JanusMessage> {
    if (this.closedReason !== undefined) return Promise.reject(new JanusRequestError(what, 0, `connection lost: ${this.closedReason}`));
    const transaction = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new JanusRequestError(what, 0, `no answer within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(transaction, {
        resolve,
        reject: (error) => reject(error instanceof JanusRequestError ? error : new JanusRequestError(what, 0, error.message)),
        what,
        ackIsReply,
        timer,
      });
      this.socket.send(JSON.stringify({ ...request, transaction }));
    });
  }

  private onMessage(text: string): void {
    let message: JanusMessage;
    try {
      message = JSON.parse(text) as JanusMessage;
    } catch {
      return;
    }
    const pending = message.transaction ? this.pending.get(message.transaction) : undefined;
    if (!pending || !message.transaction) return;
    if (message.janus === "ack" && !pending.ackIsReply) return;
    this.pending.delete(message.transaction);
    clearTimeout(pending.timer);
    if (message.janus === "error") pending.reject(new JanusRequestError(pending.what, message.error?.code ?? 0, message.error?.reason ?? "unknown error"));
    else pending.resolve(message);
  }

  private onClosed(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const [transaction, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`connection lost: ${reason}`));
      this.pending.delete(transaction);
    }
    for (const listener of this.closeListeners) listener(reason);
  }
}
