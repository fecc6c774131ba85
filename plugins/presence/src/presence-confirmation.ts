/**
 * Whether each watched DN's presence is confirmed: a NOTIFY with a readable state arrived in the current
 * subscription. Until then the agent's state is only what was saved or last seen, with nobody watching the phone
 * (a restart while the PBX is unreachable, a subscription lost and not yet back). A DN that stays unconfirmed for
 * `withinMs` is reported once, so the plugin can keep calls away from that agent; the next confirmation clears it.
 *
 * The clock starts when the DN's SUBSCRIBE is sent (not when it is queued: 10,000 DNs take a while through the
 * pacer) or when a working subscription is lost, whichever comes first.
 */
import { TimerSlot } from "./retry-policy.js";

interface Pending {
  readonly since: number;
  readonly timer: TimerSlot;
  overdue: boolean;
}

/** One DN as the API shows it. */
export interface ConfirmationStatus {
  readonly confirmed: boolean;
  /** ms since epoch the DN has been unconfirmed with the clock running. */
  readonly unconfirmedSince: number | undefined;
  /** Unconfirmed for longer than `withinMs`. */
  readonly overdue: boolean;
}

export class ConfirmationTracker {
  private readonly confirmedDns = new Set<string>();
  private readonly pending = new Map<string, Pending>();

  /** `withinMs` 0 turns the deadline off (DNs are still reported confirmed or not). */
  constructor(
    private readonly withinMs: number,
    private readonly onOverdue: (dn: string, since: number) => void,
  ) {}

  /** A SUBSCRIBE went out for `dn`: start its clock unless it is confirmed or already running. */
  awaiting(dn: string): void {
    if (this.confirmedDns.has(dn) || this.pending.has(dn)) return;
    const entry: Pending = { since: Date.now(), timer: new TimerSlot(), overdue: false };
    this.pending.set(dn, entry);
    if (this.withinMs <= 0) return;
    entry.timer.set(this.withinMs, () => {
      entry.overdue = true;
      this.onOverdue(dn, entry.since);
    });
  }

  /** The subscription that confirmed `dn` is gone: start its clock now. */
  lost(dn: string): void {
    this.confirmedDns.delete(dn);
    this.awaiting(dn);
  }

  /** A readable NOTIFY arrived; returns whether the DN had been overdue. */
  confirmed(dn: string): boolean {
    const entry = this.pending.get(dn);
    entry?.timer.clear();
    this.pending.delete(dn);
    this.confirmedDns.add(dn);
    return entry?.overdue ?? false;
  }

  status(dn: string): ConfirmationStatus {
    const entry = this.pending.get(dn);
    return { confirmed: this.confirmedDns.has(dn), unconfirmedSince: entry?.since, overdue: entry?.overdue ?? false };
  }

  counts(): { confirmed: number; overdue: number } {
    let overdue = 0;
    for (const entry of this.pending.values()) if (entry.overdue) overdue++;
    return { confirmed: this.confirmedDns.size, overdue };
  }

  forget(dn: string): void {
    this.pending.get(dn)?.timer.clear();
    this.pending.delete(dn);
    this.confirmedDns.delete(dn);
  }

  stop(): void {
    for (const entry of this.pending.values()) entry.timer.clear();
    this.pending.clear();
    this.confirmedDns.clear();
  }
}
