/**
 * One WebSocket client: its registered DNs, the live feed of their events, and its requests. Requests are
 * started in arrival order and synchronously up to the call model, so agent requests are answered in
 * order; a call request's completion is not awaited before the next frame, so a slow call model cannot
 * stop an agent from going NotReady.
 */
import type { Logger, PluginSocket, TandemEvent } from "@tandem/sdk";
import { DurableOutbox } from "./durable-outbox.js";
import type { EventFanout, EventSink } from "./event-fanout.js";
import { errorMessage, named, toWire, type OutgoingMessage } from "./protocol.js";
import type { Registrations, RequestHandler, RequestOrigin } from "./request-handler.js";
import type { RequestValidator } from "./request-validator.js";
import type { DesktopPrincipal } from "./token-auth.js";
import type { TokenLimits } from "./token-limits.js";

export interface SessionDeps {
  readonly fanout: EventFanout;
  readonly handler: RequestHandler;
  readonly validator: RequestValidator;
  readonly log: Logger;
  readonly lastSeq: () => number;
  /** The bus's `afterCommit`, when it has one (see DurableOutbox). */
  readonly afterCommit?: (seq: number, callback: (committed: number) => void) => void;
  readonly limits: TokenLimits;
}

export class DesktopSession implements EventSink, Registrations, RequestOrigin {
  private readonly registered = new Map<string, number>();
  private closed = false;
  private readonly outbox: DurableOutbox;

  constructor(
    private readonly socket: PluginSocket,
    readonly principal: DesktopPrincipal,
    private readonly deps: SessionDeps,
    readonly defaultAfter: number | undefined,
    private readonly onEnd: (session: DesktopSession) => void,
  ) {
    this.outbox = new DurableOutbox(deps.lastSeq, (text) => socket.send(text), deps.afterCommit);
  }

  get registrations(): Registrations {
    return this;
  }

  /** Greets the client and starts reading its frames. */
  start(): void {
    this.send({
      ...named("EventServerConnected"),
      principal: this.principal.name,
      lastSeq: this.deps.lastSeq(),
      dns: [...this.principal.dns].sort(),
      supervisor: this.principal.supervisor,
      ...(this.defaultAfter === undefined ? {} : { after: this.defaultAfter }),
    });
    this.socket.onMessage((text) => this.process(text));
    this.socket.onClose(() => this.end());
  }

  /** Live feed: only events after the DN's registration point (older ones came by replay). */
  push(event: TandemEvent): void {
    if (event.dn === undefined) return;
    const at = this.registered.get(event.dn);
    if (at !== undefined && event.seq > at) this.send(toWire(event));
  }

  at(dn: string): number | undefined {
    return this.registered.get(dn);
  }

  add(dn: string, at: number): void {
    if (this.closed || this.registered.has(dn)) return;
    this.registered.set(dn, at);
    this.deps.fanout.add(dn, this);
  }

  delete(dn: string): boolean {
    if (!this.registered.delete(dn)) return false;
    this.deps.fanout.remove(dn, this);
    return true;
  }

  send(message: OutgoingMessage): void {
    if (!this.closed) this.outbox.send(JSON.stringify(message), "seq" in message ? message.seq : 0);
  }

  /** Closes from the server side (shutdown). */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
    this.end();
  }

  private process(text: string): void {
    if (this.closed) return;
    const outcome = this.deps.validator.checkText(text);
    if (!outcome.ok) {
      this.send(errorMessage(outcome.error, outcome.partial));
      return;
    }
    const refusal = this.deps.limits.takeRequest(this.principal.name);
    if (refusal) {
      this.send(errorMessage(refusal.error, outcome.request));
      return;
    }
    // `handle` never rejects: every failure becomes an EventError.
    void this.deps.handler.handle(outcome.request, this);
  }

  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbox.close();
    for (const dn of this.registered.keys()) this.deps.fanout.remove(dn, this);
    this.registered.clear();
    this.onEnd(this);
  }
}
