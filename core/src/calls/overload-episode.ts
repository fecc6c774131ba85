/**
 * Whether Tandem is shedding load now, told once per episode rather than once per refused call: the first
 * refusal starts an episode (EventOverloadStarted, a warning), and it ends (EventOverloadEnded) only once no
 * INVITE was refused for `quietMs` — the hysteresis that keeps a load hovering at a limit from flapping.
 */
import type { EventBus, Logger } from "@tandem/sdk";

/**
 * Which limit refused a call (the closed set of the metric's `limit` label): `load` is the event loop's
 * utilisation (loop-load.ts), its `load` figure a percentage.
 */
export type AdmissionLimit = "calls" | "dn" | "source" | "load";

export interface OverloadEpisodeDeps {
  bus: EventBus | undefined;
  logger: Logger;
  quietMs: number;
}

export class OverloadEpisode {
  private startedAtMs: number | undefined;
  private lastRefusalMs = 0;
  private refused = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: OverloadEpisodeDeps) {}

  get active(): boolean {
    return this.startedAtMs !== undefined;
  }

  /** One INVITE refused by `limit`, `load` calls counted against it. */
  refusal(limit: AdmissionLimit, load: number, retryAfterSeconds: number): void {
    const now = Date.now();
    this.lastRefusalMs = now;
    this.refused++;
    if (this.startedAtMs !== undefined) return;
    this.startedAtMs = now;
    const data = { limit, load, retryAfterSeconds };
    this.deps.logger.warn(data, "overload: new calls are refused with 503 until the load falls");
    this.deps.bus?.emit("EventOverloadStarted", { source: "calls", data });
    this.arm(this.deps.quietMs);
  }

  /** Ends an episode without its event (shutdown). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.check(), ms);
    this.timer.unref();
  }

  private check(): void {
    const started = this.startedAtMs;
    if (started === undefined) return;
    const quietFor = Date.now() - this.lastRefusalMs;
    if (quietFor < this.deps.quietMs) return this.arm(this.deps.quietMs - quietFor);
    const data = { refused: this.refused, durationMs: this.lastRefusalMs - started };
    this.startedAtMs = undefined;
    this.refused = 0;
    this.timer = undefined;
    this.deps.logger.info(data, "overload over: new calls are taken again");
    this.deps.bus?.emit("EventOverloadEnded", { source: "calls", data });
  }
}
