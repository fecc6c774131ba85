/**
 * Start-up progress of the subscriptions, as the log and the API report it. A DN settles the first time its
 * subscription is active, backs off or goes unanswered; after that its row stays current, so `active` and
 * `failed` still describe the start-up DNs after the PBX comes back (or goes away again).
 */
import type { Logger } from "@tandem/sdk";
import type { SubscriptionStateName } from "./subscription-machine.js";

/** Start-up progress as the API reports it. */
export interface StartupProgress {
  total: number;
  /** Start-up DNs whose subscription was active, backing off or unanswered at least once. */
  settled: number;
  /** Of the settled start-up DNs: active now (or last seen active). */
  active: number;
  /** Of the settled start-up DNs: backing off or unanswered now. */
  failed: number;
  startedAt: string | undefined;
  completedAt: string | undefined;
  /** When every start-up DN that had failed was active again. */
  recoveredAt: string | undefined;
}

const FAILED: ReadonlySet<SubscriptionStateName> = new Set(["backoff", "unanswered"]);

export class StartupTracker {
  private readonly progress: StartupProgress = {
    total: 0, settled: 0, active: 0, failed: 0, startedAt: undefined, completedAt: undefined, recoveredAt: undefined,
  };
  private readonly pending = new Set<string>();
  /** Settled start-up DNs: true while active. */
  private readonly ok = new Map<string, boolean>();
  private startedMs = 0;

  constructor(private readonly log: Logger) {}

  begin(dns: readonly string[]): void {
    this.startedMs = Date.now();
    Object.assign(this.progress, { total: dns.length, startedAt: new Date(this.startedMs).toISOString() });
    for (const dn of dns) this.pending.add(dn);
    this.checkDone();
  }

  snapshot(): StartupProgress {
    return { ...this.progress };
  }

  forget(dn: string): void {
    this.pending.delete(dn);
    const wasOk = this.ok.get(dn);
    if (wasOk === undefined) return;
    this.ok.delete(dn);
    this.progress[wasOk ? "active" : "failed"]--;
  }

  onState(dn: string, to: SubscriptionStateName): void {
    const isOk = to === "active" ? true : FAILED.has(to) ? false : undefined;
    if (isOk === undefined) return;
    if (this.pending.delete(dn)) {
      this.progress.settled++;
      this.ok.set(dn, isOk);
      this.progress[isOk ? "active" : "failed"]++;
      this.logProgress();
      return this.checkDone();
    }
    const wasOk = this.ok.get(dn);
    if (wasOk === undefined || wasOk === isOk) return;
    this.ok.set(dn, isOk);
    this.progress.active += isOk ? 1 : -1;
    this.progress.failed += isOk ? -1 : 1;
    if (!isOk) this.progress.recoveredAt = undefined;
    else if (this.progress.failed === 0 && this.progress.completedAt !== undefined) this.recovered();
  }

  private logProgress(): void {
    const { settled, total, active, failed } = this.progress;
    const step = Math.max(1, Math.ceil(total / 10));
    if (settled % step === 0 && settled < total) this.log.info({ settled, total, active, failed }, `presence: ${settled}/${total} subscriptions settled`);
  }

  private checkDone(): void {
    if (this.progress.completedAt !== undefined || this.pending.size > 0 || this.progress.startedAt === undefined) return;
    this.progress.completedAt = new Date().toISOString();
    const { total, active, failed } = this.progress;
    const ms = Date.now() - this.startedMs;
    this.log.info({ total, active, failed, ms }, `presence: start-up done, ${active}/${total} active, ${failed} failed, in ${ms} ms`);
  }

  private recovered(): void {
    this.progress.recoveredAt = new Date().toISOString();
    const { total, active } = this.progress;
    this.log.info({ total, active }, `presence: recovered, ${active}/${total} start-up subscriptions active`);
  }
}
