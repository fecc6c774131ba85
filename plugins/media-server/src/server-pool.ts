/**
 * The media servers and their health as calls see it: an endpoint that timed out, failed on transport or
 * answered 5xx/408 is held down for `holdDownMs` and skipped by later calls, unless every endpoint is held
 * down (then all are tried, in order: a treatment on a server that may have recovered beats none). There is
 * no probing: the next call that reaches a server after its hold-down is the probe.
 */
import type { DnRegistry, TandemError } from "@tandem/sdk";
import { readServers, type Endpoint, type ServerDirectory } from "./server-directory.js";

/** Health of one endpoint. */
export interface EndpointState {
  readonly endpoint: Endpoint;
  /** Until when (ms since epoch) the endpoint is skipped; 0 when it is not held down. */
  heldDownUntil: number;
  lastFailure: { at: number; reason: string } | undefined;
  lastSuccessAt: number | undefined;
  started: number;
  failed: number;
}

export interface ServerPoolOptions {
  dns: Pick<DnRegistry, "get" | "list">;
  /** `servers` from config (undefined: every VoipService DN with `service-type: media-server`). */
  servers: readonly string[] | undefined;
  holdDownMs: number;
  now?: () => number;
}

export class ServerPool {
  private directory: ServerDirectory = { servers: [], endpoints: [], problems: [] };
  private states = new Map<string, EndpointState>();
  private readonly active = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: ServerPoolOptions) {
    this.now = options.now ?? Date.now;
    this.reload();
  }

  /** Re-reads the DNs (after a change); health of endpoints that remain is kept. Returns the new problems. */
  reload(): readonly TandemError[] {
    this.directory = readServers(this.options.dns, this.options.servers);
    const states = new Map<string, EndpointState>();
    for (const endpoint of this.directory.endpoints) {
      const old = this.states.get(endpoint.uri);
      states.set(endpoint.uri, old ? { ...old, endpoint } : { endpoint, heldDownUntil: 0, lastFailure: undefined, lastSuccessAt: undefined, started: 0, failed: 0 });
    }
    this.states = states;
    return this.directory.problems;
  }

  get servers(): readonly string[] {
    return this.directory.servers;
  }

  get endpoints(): readonly EndpointState[] {
    return [...this.states.values()];
  }

  isHeldDown(state: EndpointState): boolean {
    return state.heldDownUntil > this.now();
  }

  /** Endpoints to try for a new treatment, in order; held-down ones are left out unless all are held down. */
  candidates(): Endpoint[] {
    const all = [...this.states.values()];
    const up = all.filter((s) => !this.isHeldDown(s));
    return (up.length > 0 ? up : all).map((s) => s.endpoint);
  }

  /** The server's fault (time-out, transport, 5xx/408): hold it down for later calls. */
  failed(endpoint: Endpoint, reason: string): void {
    const state = this.states.get(endpoint.uri);
    if (!state) return;
    const at = this.now();
    state.failed += 1;
    state.lastFailure = { at, reason };
    state.heldDownUntil = this.options.holdDownMs > 0 ? at + this.options.holdDownMs : 0;
  }

  /** The server answered: it is healthy again. */
  succeeded(endpoint: Endpoint): void {
    const state = this.states.get(endpoint.uri);
    if (!state) return;
    state.started += 1;
    state.lastSuccessAt = this.now();
    state.heldDownUntil = 0;
  }

  /** Counts a running treatment on a server; returns the function that ends the count (idempotent). */
  track(server: string): () => void {
    this.active.set(server, this.activeOn(server) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active.set(server, Math.max(0, this.activeOn(server) - 1));
    };
  }

  activeOn(server: string): number {
    return this.active.get(server) ?? 0;
  }
}
