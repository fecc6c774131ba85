/**
 * One DN's presence subscription as a subscriber-side state machine (RFC 6665 §4.1):
 *
 *   idle → queued (waiting for the pacer) → subscribing [→ unanswered] → active ⇄ refreshing
 *                 ↑                                              │ 481 / terminated / dead NOTIFY stream / timeout
 *                 └──────── backoff ←────────────────────────────┘
 *
 * `unanswered`: the SUBSCRIBE is still unanswered after `unansweredAfterMs` (over UDP the stack has retransmitted
 * it and heard nothing, RFC 3261 §17.1.2.2). Nothing is decided there: the transaction goes on until Timer F;
 * the state only makes a silent PBX visible long before that.
 * Failover: a SUBSCRIBE that gets no answer (timeout or transport error) moves on to the next notifier
 * contact at once; when every contact was tried, or the notifier answered with an error, the machine backs
 * off (doubling from `backoffMinMs` to `backoffMaxMs`, with jitter, or the notifier's Retry-After).
 * A subscription that was working and is lost (481 on refresh = notifier restarted, terminated NOTIFY,
 * NOTIFY stream stopped) re-subscribes at once, then backs off if that fails too.
 * Every callback carries the generation of the subscription it belongs to, so late events from a dialog
 * we already gave up are ignored.
 */
import type { Logger, NotifyInfo, SipSubscription, SubscriptionEnd } from "@tandem/sdk";
import { PresenceErrors } from "./errors.js";
import { subscribeTarget } from "./notifier.js";
import { asSipFailure, backoffDelay, isNoAnswer, noAnswer, TimerSlot, type SipFailure } from "./retry-policy.js";
import { planAfterTermination } from "./termination-policy.js";
import { unsubscribeOnceEstablished } from "./unsubscribe-once-established.js";

export type SubscriptionStateName = "idle" | "queued" | "subscribing" | "unanswered" | "active" | "refreshing" | "backoff" | "stopped";

export const SUBSCRIPTION_STATES: readonly SubscriptionStateName[] = [
  "idle", "queued", "subscribing", "unanswered", "active", "refreshing", "backoff", "stopped",
];

export interface MachineTimings {
  expires: number;
  refreshMarginSeconds: number;
  backoffMinMs: number;
  backoffMaxMs: number;
  notifyTimeoutSeconds: number;
  /** Our own bound on a SUBSCRIBE's answer, beyond the stack's Timer F, so a lost transaction cannot wedge a DN. */
  answerTimeoutSeconds: number;
  /** A new SUBSCRIBE unanswered this long shows as `unanswered` (reported, not acted on). */
  unansweredAfterMs: number;
}

export interface MachineDeps {
  readonly dn: string;
  /** Current notifier URIs, primary first (read at every attempt, so config changes apply). */
  contacts(): readonly string[];
  /** Sends the SUBSCRIBE (the caller adds Event, Accept and Expires). */
  subscribe(target: string): SipSubscription;
  /** Queues `start` behind the pacer; returns a withdraw function. */
  pace(start: () => void): () => void;
  readonly timings: MachineTimings;
  onNotify(notify: NotifyInfo, firstInDialog: boolean): void;
  onStateChange?(from: SubscriptionStateName, to: SubscriptionStateName): void;
  readonly log: Logger;
  readonly random?: () => number;
}

/** What the API shows about one subscription. */
export interface MachineSnapshot {
  readonly dn: string;
  readonly state: SubscriptionStateName;
  readonly notifier: string | undefined;
  readonly expiresAt: number | undefined;
  readonly lastNotifyAt: number | undefined;
  readonly failures: number;
  readonly lastError: string | undefined;
  /** The last time a working subscription was lost, and why (kept after recovery, unlike `lastError`). */
  readonly lastLoss: { readonly at: number; readonly why: string } | undefined;
}

/** A failed refresh as the log and the API say it: what the notifier answered, or that it did not. */
function refreshFailure(failure: SipFailure): string {
  // 481: the notifier no longer knows the subscription (it restarted); a new SUBSCRIBE is the cure.
  if (failure.status === 481 && failure.origin === "remote") return `refresh answered ${failure.message}: the notifier no longer knows the subscription`;
  if (isNoAnswer(failure)) return `refresh unanswered (${failure.message})`;
  return failure.origin === "remote" ? `refresh answered ${failure.message}` : `refresh failed: ${failure.message}`;
}

/** A grant we can live with: at least one second. */
function usableGrant(expires: number): boolean {
  return Number.isFinite(expires) && expires >= 1;
}

export class SubscriptionMachine {
  private current: SubscriptionStateName = "idle";
  private generation = 0;
  private sub: SipSubscription | undefined;
  private contactIndex = 0;
  private triesThisRound = 0;
  private failures = 0;
  private lastError: string | undefined;
  private lastLoss: { at: number; why: string } | undefined;
  private expiresAt: number | undefined;
  private lastNotifyAt: number | undefined;
  private notifiedInDialog = false;
  private notifiedSinceRequest = false;
  /** Refresh or backoff (never both). */
  private readonly timer = new TimerSlot();
  private readonly watchdog = new TimerSlot();
  private readonly answerTimer = new TimerSlot();
  private readonly unansweredTimer = new TimerSlot();
  private withdraw: (() => void) | undefined;
  private unlisten: Array<() => void> = [];

  constructor(private readonly deps: MachineDeps) {}

  get state(): SubscriptionStateName {
    return this.current;
  }

  snapshot(): MachineSnapshot {
    return {
      dn: this.deps.dn,
      state: this.current,
      notifier: this.deps.contacts()[this.contactIndex],
      expiresAt: this.expiresAt,
      lastNotifyAt: this.lastNotifyAt,
      failures: this.failures,
      lastError: this.lastError,
      lastLoss: this.lastLoss,
    };
  }

  /** Queues a new subscription (no-op unless idle or backing off). */
  start(): void {
    if (this.current !== "idle" && this.current !== "backoff") return;
    this.timer.clear();
    this.setState("queued");
    this.withdraw = this.deps.pace(() => {
      this.withdraw = undefined;
      this.subscribeNow();
    });
  }

  /**
   * Stops every timer and, with `unsubscribe`, ends the subscription (SUBSCRIBE Expires 0, RFC 6665
   * §4.1.2.3; sent, not awaited: its answer changes nothing). At shutdown the server has already stopped the
   * SIP stack, so the manager passes false there and the PBX lets the subscription expire.
   */
  stop(options: { unsubscribe: boolean } = { unsubscribe: true }): void {
    const established = this.notifiedInDialog;
    const sub = this.dropSubscription();
    this.withdraw?.();
    this.withdraw = undefined;
    this.setState("stopped");
    if (!options.unsubscribe || !sub || sub.state === "terminated") return;
    // No NOTIFY yet means no dialog yet (RFC 6665 §4.1.2.4: the NOTIFY creates it), so there is nothing to send
    // Expires 0 in; the SUBSCRIBE may still be accepted, so end the subscription as soon as it exists.
    if (established) sub.unsubscribe().catch(() => undefined);
    else unsubscribeOnceEstablished(sub, this.deps.dn, this.deps.log);
  }

  private subscribeNow(): void {
    if (this.current !== "queued") return;
    const contacts = this.deps.contacts();
    if (contacts.length === 0) return this.backoff(undefined, "no notifier contact");
    this.contactIndex %= contacts.length;
    const gen = ++this.generation;
    this.notifiedInDialog = false;
    this.notifiedSinceRequest = false;
    this.setState("subscribing");
    let sub: SipSubscription;
    try {
      sub = this.deps.subscribe(subscribeTarget(this.deps.dn, contacts[this.contactIndex] ?? ""));
    } catch (err) {
      return this.onSubscribeFailed(gen, err);
    }
    this.sub = sub;
    this.answerTimer.set(this.deps.timings.answerTimeoutSeconds * 1000, () =>
      this.onSubscribeFailed(gen, noAnswer(this.deps.timings.answerTimeoutSeconds)),
    );
    this.unansweredTimer.set(this.deps.timings.unansweredAfterMs, () => {
      if (gen !== this.generation || this.current !== "subscribing") return;
      this.lastError = `no answer yet after ${this.deps.timings.unansweredAfterMs} ms`;
      this.setState("unanswered");
    });
    this.unlisten = [
      sub.onNotify((n) => this.onNotify(gen, n)),
      sub.onTerminated((end) => this.onTerminated(gen, end)),
    ];
    sub.accepted.then(
      (granted) => this.onAccepted(gen, granted.expires),
      (err: unknown) => this.onSubscribeFailed(gen, err),
    );
  }

  private onAccepted(gen: number, expires: number): void {
    if (gen !== this.generation) return;
    this.answerTimer.clear();
    this.unansweredTimer.clear();
    if (!usableGrant(expires)) return this.refusedGrant(expires);
    // The node answered; but only a NOTIFY proves the subscription works, so `failures` is reset there.
    this.triesThisRound = 0;
    this.setState("active");
    this.scheduleRefresh(expires);
    this.armWatchdog(gen);
  }

  private onSubscribeFailed(gen: number, err: unknown): void {
    if (gen !== this.generation) return;
    const failure = asSipFailure(err);
    this.dropSubscription();
    const contact = this.deps.contacts()[this.contactIndex] ?? "?";
    const coded = PresenceErrors.subscribeFailed(this.deps.dn, contact, failure.message);
    this.deps.log.warn({ dn: this.deps.dn, code: coded.code, notifier: contact, status: failure.status }, coded.message);
    if (isNoAnswer(failure)) {
      // The node did not answer: try the next cluster node now; back off once all were tried.
      const count = Math.max(1, this.deps.contacts().length);
      this.contactIndex = (this.contactIndex + 1) % count;
      if (++this.triesThisRound < count) {
        this.lastError = failure.message;
        this.setState("idle");
        return this.start();
      }
    }
    this.triesThisRound = 0;
    this.backoff(failure.retryAfter, failure.message);
  }

  /**
   * A 2xx granting no time (Expires: 0 makes it a one-shot fetch, RFC 6665 §4.1.2.1) or nonsense: back off
   * rather than refresh in a tight loop.
   */
  private refusedGrant(expires: number): void {
    this.dropSubscription();
    this.backoff(undefined, `notifier granted Expires ${expires}`);
  }

  private scheduleRefresh(expires: number): void {
    this.expiresAt = Date.now() + expires * 1000;
    // RFC 6665 §4.1.2.2: refresh before expiry; never later than half-way through a short grant.
    const margin = Math.min(this.deps.timings.refreshMarginSeconds, expires / 2);
    this.timer.set(Math.max(0, (expires - margin) * 1000), () => this.refresh());
  }

  private refresh(): void {
    const sub = this.sub;
    if (this.current !== "active" || sub === undefined) return;
    const gen = this.generation;
    this.notifiedSinceRequest = false;
    this.setState("refreshing");
    const bound = this.deps.timings.answerTimeoutSeconds;
    this.answerTimer.set(bound * 1000, () => this.lost(refreshFailure(noAnswer(bound)), undefined));
    sub.refresh(this.deps.timings.expires).then(
      (granted) => {
        if (gen !== this.generation) return;
        this.answerTimer.clear();
        if (!usableGrant(granted.expires)) return this.refusedGrant(granted.expires);
        this.setState("active");
        this.scheduleRefresh(granted.expires);
        this.armWatchdog(gen);
      },
      (err: unknown) => {
        if (gen !== this.generation) return;
        const failure = asSipFailure(err);
        this.lost(refreshFailure(failure), failure.retryAfter);
      },
    );
  }

  private onNotify(gen: number, notify: NotifyInfo): void {
    if (gen !== this.generation) return;
    this.lastNotifyAt = Date.now();
    this.notifiedSinceRequest = true;
    if (notify.state !== "terminated") {
      this.failures = 0;
      this.lastError = undefined;
    }
    this.watchdog.clear();
    this.unansweredTimer.clear();
    if (this.current === "unanswered") this.setState("subscribing"); // the node answers, by NOTIFY first
    const first = !this.notifiedInDialog;
    this.notifiedInDialog = true;
    try {
      this.deps.onNotify(notify, first);
    } catch (err) {
      this.deps.log.error({ dn: this.deps.dn, err }, "presence NOTIFY handler failed");
    }
    if (notify.state === "terminated") return this.onTerminatedNotify(notify);
    // The notifier may shorten the subscription in any NOTIFY (RFC 6665 §4.1.3).
    if (notify.expires !== undefined && usableGrant(notify.expires) && this.current === "active") {
      const at = Date.now() + notify.expires * 1000;
      if (this.expiresAt === undefined || at < this.expiresAt) this.scheduleRefresh(notify.expires);
    }
  }

  /** RFC 6665 §4.1.3: the reason decides how soon to try again (see termination-policy.ts). */
  private onTerminatedNotify(notify: NotifyInfo): void {
    const why = `notifier terminated the subscription (reason ${notify.reason ?? "none"}${notify.retryAfter !== undefined ? `, retry-after ${notify.retryAfter} s` : ""})`;
    const plan = planAfterTermination(notify.reason, notify.retryAfter);
    if (plan.kind === "now") return this.lost(why, undefined);
    this.dropSubscription();
    this.lastLoss = { at: Date.now(), why };
    this.deps.log.warn({ dn: this.deps.dn, code: PresenceErrors.subscribeFailed.code, reason: notify.reason }, `presence subscription lost: ${why}`);
    this.failures = Math.max(this.failures, 1);
    if (plan.kind === "later") return this.backoff(plan.retryAfter, why);
    this.backoff(plan.retryAfter ?? this.deps.timings.backoffMaxMs / 1000, why);
  }

  private onTerminated(gen: number, end: SubscriptionEnd): void {
    if (gen !== this.generation || end.by === "local" || this.current === "stopped") return;
    // `accepted` rejects too and decides failover.
    if (this.current === "subscribing" || this.current === "unanswered") return;
    // The refresh's own answer decides: sip.js ends the dialog on a 481 (or 404, 489 …) before that answer
    // reaches us, and the stack then reports the end as a timeout, which is not what happened.
    if (this.current === "refreshing") return;
    this.lost(`subscription ended (${end.by}${end.status ? ` ${end.status}` : ""})`, end.retryAfter);
  }

  /** A working subscription is gone: re-subscribe at once the first time, then with backoff. */
  private lost(why: string, retryAfter: number | undefined): void {
    this.dropSubscription();
    this.lastLoss = { at: Date.now(), why };
    this.deps.log.warn({ dn: this.deps.dn, code: PresenceErrors.subscribeFailed.code }, `presence subscription lost: ${why}`);
    if (retryAfter === undefined && this.failures === 0) {
      this.failures = 1;
      this.lastError = why;
      this.setState("idle");
      return this.start();
    }
    this.backoff(retryAfter, why);
  }

  private backoff(retryAfter: number | undefined, why: string): void {
    this.failures += 1;
    this.lastError = why;
    const delay = backoffDelay(this.failures, this.deps.timings, retryAfter, this.deps.random ?? Math.random);
    this.setState("backoff");
    this.timer.set(delay, () => this.start());
  }

  /** RFC 6665 §4.2.1: a NOTIFY must follow every accepted SUBSCRIBE; silence means the stream is dead. */
  private armWatchdog(gen: number): void {
    this.watchdog.clear();
    if (this.notifiedSinceRequest) return;
    this.watchdog.set(this.deps.timings.notifyTimeoutSeconds * 1000, () => {
      if (gen !== this.generation) return;
      const sub = this.sub;
      this.lost("no NOTIFY after the SUBSCRIBE was accepted", undefined);
      sub?.unsubscribe().catch(() => undefined);
    });
  }

  private dropSubscription(): SipSubscription | undefined {
    const sub = this.sub;
    this.generation++;
    this.sub = undefined;
    this.expiresAt = undefined;
    for (const off of this.unlisten) off();
    this.unlisten = [];
    this.timer.clear();
    this.watchdog.clear();
    this.answerTimer.clear();
    this.unansweredTimer.clear();
    return sub;
  }

  private setState(next: SubscriptionStateName): void {
    const previous = this.current;
    if (previous === next) return;
    this.current = next;
    this.deps.onStateChange?.(previous, next);
  }
}
