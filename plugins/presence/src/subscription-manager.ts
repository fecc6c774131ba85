/**
 * Keeps one {@link SubscriptionMachine} per agent DN marked `presence: true`: subscribes them all at start-up
 * through the pacer (with progress in the log and the API), follows DN changes at run time, routes each
 * NOTIFY to the handler that turns it into agent-state requests, keeps calls away from agents whose presence
 * it cannot confirm in time, and reports a notifier that does not answer as soon as it is silent.
 */
import { AGENT_DN_TYPES, type DnChange, type DnRecord, type PluginContext } from "@tandem/sdk";
import { DN_OPTION_PRESENCE, type PresenceConfig } from "./manifest.js";
import { resolveNotifier, type Notifier } from "./notifier.js";
import { handleNotify, type NotifySummary } from "./notify-handler.js";
import { Pacer } from "./pacer.js";
import { ConfirmationTracker, type ConfirmationStatus } from "./presence-confirmation.js";
import { StartupTracker, type StartupProgress } from "./startup-progress.js";
import { holdUnconfirmed, releaseUnconfirmed } from "./unconfirmed-presence.js";
import { createPresenceMetrics, type PresenceMetrics } from "./presence-metrics.js";
import { INITIAL_VIEW, type PresenceView } from "./presence-mapper.js";
import {
  SUBSCRIPTION_STATES,
  SubscriptionMachine,
  type MachineSnapshot,
  type SubscriptionStateName,
} from "./subscription-machine.js";

type ManagerContext = Pick<PluginContext<PresenceConfig>, "dns" | "sip" | "log" | "metrics" | "config"> &
  Partial<Pick<PluginContext, "bus">>;

interface Watched {
  readonly machine: SubscriptionMachine;
  view: PresenceView;
  lastNotify: NotifySummary | undefined;
}

export type { StartupProgress } from "./startup-progress.js";

/** One DN as the API shows it. */
export type WatchedRow = MachineSnapshot & ConfirmationStatus & { lastNotify: NotifySummary | undefined };

/** What the API shows about the notifier's silence: since when no new SUBSCRIBE was answered. */
export interface Silence {
  readonly since: string;
  readonly notifier: string | undefined;
}

export class SubscriptionManager {
  private readonly watched = new Map<string, Watched>();
  private readonly pacer: Pacer;
  private readonly metrics: PresenceMetrics;
  private notifier: Notifier | undefined;
  private notifierError: string | undefined;
  private running = false;
  private readonly startup: StartupTracker;
  private readonly confirmation: ConfirmationTracker;
  private silence: { since: number; notifier: string | undefined } | undefined;
  private offChange: (() => void) | undefined;
  private offLogin: (() => void) | undefined;

  private readonly ctx: ManagerContext;

  constructor(context: Pick<PluginContext, "dns" | "sip" | "log" | "metrics"> & Partial<Pick<PluginContext, "bus">>, config: PresenceConfig) {
    // Copied member by member: the host's context may keep its members on a prototype.
    this.ctx = { dns: context.dns, sip: context.sip, log: context.log, metrics: context.metrics, config, ...(context.bus ? { bus: context.bus } : {}) };
    this.pacer = new Pacer(config.subscribeRate);
    this.metrics = createPresenceMetrics(context.metrics, () => this.countByState());
    this.startup = new StartupTracker(context.log);
    this.confirmation = new ConfirmationTracker(config.confirmWithinMs, (dn, since) => this.onUnconfirmedTooLong(dn, since));
  }

  /** Subscribes every marked DN at the configured pace and starts following DN changes. */
  start(): void {
    this.running = true;
    this.refreshNotifier();
    this.offChange = this.ctx.dns.onChange((change) => this.onDnChange(change));
    this.offLogin = this.ctx.bus?.on("EventAgentLogin", (event) => this.onLogin(event.dn, event.source));
    const dns = this.ctx.dns.list({ type: AGENT_DN_TYPES }).filter(isMarked);
    this.ctx.log.info(
      { total: dns.length, rate: this.ctx.config.subscribeRate, notifier: this.notifier?.dn },
      `presence: subscribing ${dns.length} DNs at ${this.ctx.config.subscribeRate}/s`,
    );
    this.startup.begin(dns.map((d) => d.number));
    for (const dn of dns) this.watch(dn.number);
  }

  /**
   * Shutdown: stops every machine and timer. No unsubscribes: the server stops the SIP stack before plugins
   * close, and a request sent then would only leave a transaction timer behind.
   */
  stop(): void {
    this.running = false;
    this.offChange?.();
    this.offLogin?.();
    this.pacer.stop();
    for (const w of this.watched.values()) w.machine.stop({ unsubscribe: false });
    this.watched.clear();
    this.confirmation.stop();
  }

  snapshot(): {
    notifier: Notifier | undefined;
    notifierError: string | undefined;
    startup: StartupProgress;
    counts: Record<SubscriptionStateName, number>;
    queued: number;
    confirmation: { confirmed: number; unconfirmed: number; overdue: number };
    silence: Silence | undefined;
  } {
    const { confirmed, overdue } = this.confirmation.counts();
    return {
      notifier: this.notifier,
      notifierError: this.notifierError,
      startup: this.startup.snapshot(),
      counts: this.countByState(),
      queued: this.pacer.pending,
      confirmation: { confirmed, unconfirmed: this.watched.size - confirmed, overdue },
      silence: this.silence && { since: new Date(this.silence.since).toISOString(), notifier: this.silence.notifier },
    };
  }

  list(): WatchedRow[] {
    return [...this.watched.entries()].map(([dn, w]) => this.row(dn, w));
  }

  get(dn: string): WatchedRow | undefined {
    const w = this.watched.get(dn);
    return w && this.row(dn, w);
  }

  private row(dn: string, w: Watched): WatchedRow {
    return { ...w.machine.snapshot(), ...this.confirmation.status(dn), lastNotify: w.lastNotify };
  }

  private watch(dn: string): void {
    if (this.watched.has(dn)) return;
    const entry: Watched = { view: INITIAL_VIEW, lastNotify: undefined, machine: this.createMachine(dn) };
    this.watched.set(dn, entry);
    if (this.notifier) entry.machine.start();
    else this.confirmation.awaiting(dn); // nothing can confirm it: its clock runs from now
  }

  private unwatch(dn: string): void {
    const entry = this.watched.get(dn);
    if (!entry) return;
    this.watched.delete(dn);
    this.startup.forget(dn);
    this.confirmation.forget(dn);
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
        if (handled.summary.basic !== undefined) {
          this.confirmation.confirmed(dn);
          releaseUnconfirmed({ dns: this.ctx.dns, log: this.ctx.log }, dn);
        }
        this.metrics.handlingSeconds.observe((performance.now() - began) / 1000);
      },
      onStateChange: (from, to) => this.onMachineState(dn, from, to),
    });
  }

  private onMachineState(dn: string, from: SubscriptionStateName, to: SubscriptionStateName): void {
    if (to === "backoff") this.metrics.subscribeFailures.inc({ kind: "backoff" });
    if (to === "unanswered") this.metrics.subscribeFailures.inc({ kind: "unanswered" });
    const wasWorking = from === "active" || from === "refreshing";
    if (wasWorking && (to === "idle" || to === "queued")) this.metrics.subscribeFailures.inc({ kind: "lost" });
    if (wasWorking && to !== "active" && to !== "refreshing" && to !== "stopped") this.confirmation.lost(dn);
    if (to === "subscribing") this.confirmation.awaiting(dn);
    if (to === "unanswered") this.notifierSilent(dn);
    if (to === "active") this.notifierAnswers();
    this.startup.onState(dn, to);
  }

  /** The first SUBSCRIBE that goes unanswered starts a silence; it is logged once, not per DN. */
  private notifierSilent(dn: string): void {
    if (this.silence !== undefined) return;
    const notifier = this.watched.get(dn)?.machine.snapshot().notifier;
    this.silence = { since: Date.now(), notifier };
    this.ctx.log.warn(
      { dn, notifier, afterMs: this.ctx.config.unansweredAfterMs },
      `presence: no answer yet from notifier ${notifier ?? "?"} (DN ${dn}, ${this.ctx.config.unansweredAfterMs} ms); still retransmitting, the PBX may be unreachable`,
    );
  }

  private notifierAnswers(): void {
    if (this.silence === undefined) return;
    const ms = Date.now() - this.silence.since;
    this.ctx.log.info({ notifier: this.silence.notifier, silentMs: ms }, `presence: the notifier answers again after ${ms} ms`);
    this.silence = undefined;
  }

  /**
   * An agent logged in by another interface while its phone is overdue for confirmation gets no calls either.
   * After the registry's request has finished: bus listeners run inside its emit.
   */
  private onLogin(dn: string | undefined, source: string | undefined): void {
    if (dn === undefined || source === "presence" || !this.confirmation.status(dn).overdue) return;
    queueMicrotask(() => {
      if (this.running && this.confirmation.status(dn).overdue) this.onUnconfirmedTooLong(dn, Date.now());
    });
  }

  private onUnconfirmedTooLong(dn: string, since: number): void {
    const why = this.watched.get(dn)?.machine.snapshot().lastError ?? "no NOTIFY yet";
    this.ctx.log.debug({ dn, since: new Date(since).toISOString() }, "presence unconfirmed");
    holdUnconfirmed({ dns: this.ctx.dns, log: this.ctx.log }, dn, this.ctx.config.confirmWithinMs, why);
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
  return AGENT_DN_TYPES.includes(dn.type) && DN_OPTION_PRESENCE.read(dn) === true;
}
