/**
 * The media servers and their health as calls see it: an endpoint that timed out, failed on transport or
 * answered 5xx/408 is held down for `holdDownMs` and skipped by later calls, unless every endpoint is held
 * down (then all are tried, in order: a treatment on a server that may have recovered beats none). SIP OPTIONS
 * probes (`server-prober.ts`) feed the same state: a failed probe holds an endpoint down like a failed INVITE,
 * a good one lifts its hold-down at once.
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
  /** The last OPTIONS probe: when it ended and what came of it (`200 OK`, `503 …`, `timeout …`). */
  lastProbe: { at: number; ok: boolean; result: string } | undefined;
  probes: number;
  probeFailures: number;
}

/** What the pool did with a probe's outcome, for logging. */
export type ProbeEffect = "held-down" | "still-held-down" | "recovered" | "unchanged" | "gone";

export interface ServerPoolOptions {
  dns: Pick<DnRegistry, "get" | "list">;
  /** `servers` from config (undefined: every VoipService DN with `service-type: media-server`). */
  servers: readonly string[] | undefined;
  holdDownMs: number;
  now?: () => number;
}

function freshState(endpoint: Endpoint): EndpointState {
  return { endpoint, heldDownUntil: 0, lastFailure: undefined, lastSuccessAt: undefined, started: 0, failed: 0, lastProbe: undefined, probes: 0, probeFailures: 0 };
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
      states.set(endpoint.uri, old ? { ...old, endpoint } : freshState(endpoint));
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
    state.failed += 1;
    this.holdDown(state, reason, this.options.holdDownMs);
  }

  /**
   * A finished OPTIONS probe (RFC 3261 §11). A good one lifts the hold-down at once; a failed one holds the
   * endpoint down like a failed INVITE, for at least `minHoldDownMs` (the prober passes interval + time-out, so a
   * server that stays dead is never offered to calls between two probes). `holdDownMs` 0 still holds nothing.
   */
  probed(endpoint: Endpoint, outcome: { ok: boolean; result: string }, minHoldDownMs = 0): ProbeEffect {
    const state = this.states.get(endpoint.uri);
    if (!state) return "gone";
    const wasHeld = this.isHeldDown(state);
    state.probes += 1;
    state.lastProbe = { at: this.now(), ok: outcome.ok, result: outcome.result };
    if (outcome.ok) {
      state.heldDownUntil = 0;
      return wasHeld ? "recovered" : "unchanged";
    }
    state.probeFailures += 1;
    const holdMs = this.options.holdDownMs > 0 ? Math.max(this.options.holdDownMs, minHoldDownMs) : 0;
    this.holdDown(state, `OPTIONS ${outcome.result}`, holdMs);
    if (!this.isHeldDown(state)) return "unchanged";
    return wasHeld ? "still-held-down" : "held-down";
  }

  private holdDown(state: EndpointState, reason: string, holdMs: number): void {
    const at = this.now();
    state.lastFailure = { at, reason };
    state.heldDownUntil = holdMs > 0 ? at + holdMs : 0;
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
