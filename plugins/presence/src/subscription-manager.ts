/**
 * Keeps one {@link SubscriptionMachine} per agent DN marked `presence: true`: subscribes them all at start-up
 * through the pacer (with progress in the log and the API), follows DN changes at run time, and routes each
 * NOTIFY to the handler that turns it into agent-state requests.
 */
import { AGENT_DN_TYPES, type DnChange, type DnRecord, type PluginContext } from "@tandem/sdk";
import { DN_OPTION_PRESENCE, type PresenceConfig } from "./manifest.js";
import { resolveNotifier, type Notifier } from "./notifier.js";
import { handleNotify, type NotifySummary } from "./notify-handler.js";
import { Pacer } from "./pacer.js";
import { createPresenceMetrics, type PresenceMetrics } from "./presence-metrics.js";
import { INITIAL_VIEW, type PresenceView } from "./presence-mapper.js";
import {
  SUBSCRIPTION_STATES,
  SubscriptionMachine,
  type MachineSnapshot,
  type SubscriptionStateName,
} from "./subscription-machine.js";

type ManagerContext = Pick<PluginContext<PresenceConfig>, "dns" | "sip" | "log" | "metrics" | "config">;

interface Watched {
  readonly machine: SubscriptionMachine;
  view: PresenceView;
  lastNotify: NotifySummary | undefined;
}

/** Start-up progress as the API reports it. */
export interface StartupProgress {
  total: number;
  /** DNs whose subscription reached `active` (or failed into backoff) at least once. */
  settled: number;
  active: number;
  failed: number;
  startedAt: string | undefined;
  completedAt: string | undefined;
}

export class SubscriptionManager {
  private readonly watched = new Map<string, Watched>();
  private readonly pacer: Pacer;
  private readonly metrics: PresenceMetrics;
  private notifier: Notifier | undefined;
  private notifierError: string | undefined;
  private running = false;
  private readonly startup: StartupProgress & { pending: Set<string>; startedMs: number } = {
    total: 0, settled: 0, active: 0, failed: 0, startedAt: undefined, completedAt: undefined, pending: new Set(), startedMs: 0,
  };
  private offChange: (() => void) | undefined;

  private readonly ctx: ManagerContext;

  constructor(context: Pick<PluginContext, "dns" | "sip" | "log" | "metrics">, config: PresenceConfig) {
    // Copied member by member: the host's context may keep its members on a prototype.
    this.ctx = { dns: context.dns, sip: context.sip, log: context.log, metrics: context.metrics, config };
    this.pacer = new Pacer(config.subscribeRate);
    this.metrics = createPresenceMetrics(context.metrics, () => this.countByState());
  }

  /** Subscribes every marked DN at the configured pace and starts following DN changes. */
  start(): void {
    this.running = true;
    this.refreshNotifier();
    this.offChange = this.ctx.dns.onChange((change) => this.onDnChange(change));
    const dns = this.ctx.dns.list({ type: AGENT_DN_TYPES }).filter(isMarked);
    Object.assign(this.startup, { total: dns.length, startedAt: new Date().toISOString(), startedMs: Date.now() });
    this.startup.pending = new Set(dns.map((d) => d.number));
    this.ctx.log.info(
      { total: dns.length, rate: this.ctx.config.subscribeRate, notifier: this.notifier?.dn },
      `presence: subscribing ${dns.length} DNs at ${this.ctx.config.subscribeRate}/s`,
    );
    for (const dn of dns) this.watch(dn.number);
    this.checkStartupDone();
  }

  /**
   * Shutdown: stops every machine and timer. No unsubscribes: the server stops the SIP stack before plugins
   * close, and a request sent then would only leave a transaction timer behind.
   */
  stop(): void {
    this.running = false;
    this.offChange?.();
    this.pacer.stop();
    for (const w of this.watched.values()) w.machine.stop({ unsubscribe: false });
    this.watched.clear();
  }

  snapshot(): { notifier: Notifier | undefined; notifierError: string | undefined; startup: StartupProgress; counts: Record<SubscriptionStateName, number>; queued: number } {
    const { pending: _pending, startedMs: _startedMs, ...startup } = this.startup;
    return { notifier: this.notifier, notifierError: this.notifierError, startup, counts: this.countByState(), queued: this.pacer.pending };
  }

  list(): Array<MachineSnapshot & { lastNotify: NotifySummary | undefined }> {
    return [...this.watched.values()].map((w) => ({ ...w.machine.snapshot(), lastNotify: w.lastNotify }));
  }

  get(dn: string): (MachineSnapshot & { lastNotify: NotifySummary | undefined }) | undefined {
    const w = this.watched.get(dn);
    return w && { ...w.machine.snapshot(), lastNotify: w.lastNotify };
  }

  private watch(dn: string): void {
    if (this.watched.has(dn)) return;
    const entry: Watched = { view: INITIAL_VIEW, lastNotify: undefined, machine: this.createMachine(dn) };
    this.watched.set(dn, entry);
    if (this.notifier) entry.machine.start();
  }

  private unwatch(dn: string): void {
    const entry = this.watched.get(dn);
    if (!entry) return;
    this.watched.delete(dn);
    this.startup.pending.delete(dn);
    entry.machine.stop();
  }

  private createMachine(dn: string): SubscriptionMachine {
    const { config } = this.ctx;
    return new SubscriptionMachine({
      dn,
      contacts: () => this.notifier?.contacts ?? [],
      subscribe: (target) =>
        this.ctx.sip.subscribe({ target, event: "presence", accept: ["application/pidf+xml"], expires: config.expires }),
      pace: (start) => this.pacer.enqueue(start),
      timings: config,
      log: this.ctx.log,
      onNotify: (notify, first) => {
        const entry = this.watched.get(dn);
        if (!entry) return;
        const began = performance.now();
        const handled = handleNotify({ dns: this.ctx.dns, config, metrics: this.metrics, log: this.ctx.log }, dn, entry.view, notify, first);
        entry.view = handled.view;
        entry.lastNotify = handled.summary;
        this.metrics.handlingSeconds.observe((performance.now() - began) / 1000);
      },
      onStateChange: (from, to) => this.onMachineState(dn, from, to),
    });
  }

  private onMachineState(dn: string, from: SubscriptionStateName, to: SubscriptionStateName): void {
    if (to === "backoff") this.metrics.subscribeFailures.inc({ kind: "backoff" });
    if ((from === "active" || from === "refreshing") && (to === "idle" || to === "queued")) this.metrics.subscribeFailures.inc({ kind: "lost" });
    if ((to === "active" || to === "backoff") && this.startup.pending.delete(dn)) {
      this.startup.settled++;
      if (to === "active") this.startup.active++;
      else this.startup.failed++;
      this.logProgress();
      this.checkStartupDone();
    }
  }

  private logProgress(): void {
    const { settled, total } = this.startup;
    const step = Math.max(1, Math.ceil(total / 10));
    if (settled % step === 0 && settled < total) {
      this.ctx.log.info({ settled, total, active: this.startup.active, failed: this.startup.failed }, `presence: ${settled}/${total} subscriptions settled`);
    }
  }

  private checkStartupDone(): void {
    if (this.startup.completedAt !== undefined || this.startup.pending.size > 0 || !this.running) return;
    this.startup.completedAt = new Date().toISOString();
    const ms = Date.now() - this.startup.startedMs;
    this.ctx.log.info(
      { total: this.startup.total, active: this.startup.active, failed: this.startup.failed, ms },
      `presence: start-up done, ${this.startup.active}/${this.startup.total} active, ${this.startup.failed} failed, in ${ms} ms`,
    );
  }

  private refreshNotifier(): void {
    const resolved = resolveNotifier(this.ctx.dns, this.ctx.config.notifier);
    if (resolved.ok) {
      this.notifier = resolved.notifier;
      this.notifierError = undefined;
      return;
    }
    this.notifier = undefined;
    if (this.notifierError !== resolved.reason) this.ctx.log.error({ code: resolved.code }, resolved.reason);
    this.notifierError = resolved.reason;
  }

  private onDnChange(change: DnChange): void {
    if (!this.running) return;
    const record = change.dn;
    if (record.type === "VoipService") {
      const hadNotifier = this.notifier !== undefined;
      this.refreshNotifier();
      // DNs wait in `idle` while there is no notifier; start them once one appears.
      if (!hadNotifier && this.notifier) for (const w of this.watched.values()) w.machine.start();
      return;
    }
    const marked = change.kind !== "removed" && isMarked(record);
    if (marked && !this.watched.has(record.number)) {
      this.ctx.log.info({ dn: record.number }, "presence: DN added, subscribing");
      this.watch(record.number);
    } else if (!marked && this.watched.has(record.number)) {
      this.ctx.log.info({ dn: record.number }, "presence: DN removed, unsubscribing");
      this.unwatch(record.number);
    }
  }

  private countByState(): Record<SubscriptionStateName, number> {
    const counts = Object.fromEntries(SUBSCRIPTION_STATES.map((s) => [s, 0])) as Record<SubscriptionStateName, number>;
    for (const w of this.watched.values()) counts[w.machine.state]++;
    return counts;
  }
}

function isMarked(dn: DnRecord): boolean {
  return AGENT_DN_TYPES.includes(dn.type) && dn.options[DN_OPTION_PRESENCE] === true;
}
