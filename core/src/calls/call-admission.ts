/**
 * The call admission point: the SIP stack asks it about every new INVITE before any dialog, call or event
 * exists (`InviteAdmission`, stack-contract.ts). Past a limit — calls at once, unanswered calls at one dialled
 * DN, calls from one source address, a busy event loop (loop-load.ts: then a share of new INVITEs) — the INVITE
 * is answered 503 with Retry-After (RFC 3261 §21.5.4: the server is overloaded; §20.33) and nothing is kept for
 * it. An admitted call is counted until the stack releases it, and at its DN only until it is answered.
 *
 * Metrics: `tandem_calls_admission_refused_total{limit}`, `tandem_calls_admission_calls` (counted now),
 * `tandem_calls_admission_shedding` (1 during an overload episode, overload-episode.ts).
 */
import type { Counter, EventBus, Logger, Metrics } from "@tandem/sdk";
import type { InviteAdmission, InviteAdmissionRequest, InviteRefusal } from "../sip/index.js";
import { resolveAdmissionConfig, type AdmissionConfig } from "./admission-config.js";
import { OverloadEpisode, type AdmissionLimit } from "./overload-episode.js";
import { LoopLoad, type UtilizationMeter } from "./loop-load.js";

export interface CallAdmissionDeps {
  config?: Partial<AdmissionConfig>;
  logger: Logger;
  metrics?: Metrics;
  bus?: EventBus;
  /** The event loop's utilisation since its last read (tests give a scripted one); Node's own by default. */
  loopMeter?: UtilizationMeter;
  /** Monotonic milliseconds (tests). */
  now?: () => number;
}

/** What an admitted call is counted under, until its release (at its DN: while `waiting`, unanswered). */
interface Counted {
  readonly dn: string;
  readonly source: string;
  waiting: boolean;
}

/** Calls with no dialled DN (no user part in the Request-URI) share this key. */
const NO_DN = "";

export class CallAdmission implements InviteAdmission {
  readonly config: AdmissionConfig;
  private readonly counted = new Map<string, Counted>();
  /** Unanswered calls by dialled DN. */
  private readonly byDn = new Map<string, number>();
  private readonly bySource = new Map<string, number>();
  private readonly episode: OverloadEpisode;
  private readonly loopLoad: LoopLoad;
  private readonly refusedTotal: Counter | undefined;

  constructor(deps: CallAdmissionDeps) {
    this.config = resolveAdmissionConfig(deps.config);
    this.episode = new OverloadEpisode({ bus: deps.bus, logger: deps.logger, quietMs: this.config.sheddingQuietMs });
    this.loopLoad = new LoopLoad({
      maxUtilization: this.config.maxLoopUtilization,
      ...(deps.loopMeter ? { meter: deps.loopMeter } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
    this.refusedTotal = deps.metrics?.counter({
      name: "calls_admission_refused_total",
      help: "New INVITEs answered 503 by overload control, by the limit that refused them",
      labelNames: ["limit"],
    });
    deps.metrics?.gauge({ name: "calls_admission_calls", help: "Calls counted by overload control now", collect: () => this.calls });
    deps.metrics?.gauge({
      name: "calls_admission_shedding",
      help: "1 while new calls are being refused (an overload episode), else 0",
      collect: () => (this.episode.active ? 1 : 0),
    });
  }

  /** Calls counted now. */
  get calls(): number {
    return this.counted.size;
  }

  get shedding(): boolean {
    return this.episode.active;
  }

  /**
   * Whether `request` would be refused; keeps nothing for it (a refusal is counted in the metrics). The event
   * loop's load is weighed here only, where the stack sheds statelessly, so `admit` does not weigh it twice.
   */
  check(request: InviteAdmissionRequest): InviteRefusal | undefined {
    // The same Call-ID again (a copy, or a second INVITE for a call we already count) adds no load.
    if (this.counted.has(request.callId)) return undefined;
    const refusedBy = this.overLimit(request.dn ?? NO_DN, request.sourceAddress);
    if (refusedBy) return this.refuse(refusedBy.limit, refusedBy.load);
    return this.loopLoad.take() ? undefined : this.refuse("load", this.loopLoad.lastPercent);
  }

  /** Counts the call `request` starts, unless it is refused. */
  admit(request: InviteAdmissionRequest): InviteRefusal | undefined {
    if (this.counted.has(request.callId)) return undefined;
    const dn = request.dn ?? NO_DN;
    const source = request.sourceAddress;
    const refusedBy = this.overLimit(dn, source);
    if (refusedBy) return this.refuse(refusedBy.limit, refusedBy.load);
    this.counted.set(request.callId, { dn, source, waiting: true });
    this.byDn.set(dn, (this.byDn.get(dn) ?? 0) + 1);
    this.bySource.set(source, (this.bySource.get(source) ?? 0) + 1);
    return undefined;
  }

  /** The call was answered: it no longer waits at its DN (it still counts in all and at its source). */
  answered(callId: string): void {
    const counted = this.counted.get(callId);
    if (!counted?.waiting) return;
    counted.waiting = false;
    decrement(this.byDn, counted.dn);
  }

  release(callId: string): void {
    const counted = this.counted.get(callId);
    if (!counted) return;
    this.counted.delete(callId);
    if (counted.waiting) decrement(this.byDn, counted.dn);
    decrement(this.bySource, counted.source);
  }

  /** Stops the episode timer (shutdown). */
  stop(): void {
    this.episode.stop();
  }

  private overLimit(dn: string, source: string): { limit: AdmissionLimit; load: number } | undefined {
    const { maxCalls, maxWaitingPerDn, maxCallsPerSource } = this.config;
    if (maxCalls > 0 && this.counted.size >= maxCalls) return { limit: "calls", load: this.counted.size };
    const atDn = this.byDn.get(dn) ?? 0;
    if (maxWaitingPerDn > 0 && atDn >= maxWaitingPerDn) return { limit: "dn", load: atDn };
    const fromSource = this.bySource.get(source) ?? 0;
    if (maxCallsPerSource > 0 && fromSource >= maxCallsPerSource) return { limit: "source", load: fromSource };
    return undefined;
  }

  private refuse(limit: AdmissionLimit, load: number): InviteRefusal {
    const retryAfterSeconds = this.config.retryAfterSeconds;
    this.refusedTotal?.inc({ limit });
    this.episode.refusal(limit, load, retryAfterSeconds);
    return { retryAfterSeconds };
  }
}

function decrement(counts: Map<string, number>, key: string): void {
  const n = (counts.get(key) ?? 0) - 1;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}
