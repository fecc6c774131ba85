/**
 * The Ready agents of each queue, longest idle first, kept from the bus's events so that a call's selection reads
 * the few agents at the top of a heap instead of every agent of the queue's group (a registry snapshot each).
 *
 * An event only says that an agent *may* have changed: it is announced before the registry's change (a call's
 * EventReleased comes before the agent is detached from it), so the agents named by events are read when the
 * next selection starts, and every agent a selection offers is read again then. The index can therefore hold
 * stale entries (dropped when they surface) but never offers an agent that is not Ready and free. What it can
 * miss is an agent that turns Ready with no event naming it (a sweep detaching a stuck call): `refreshAll`,
 * run at construction, when DNs change and on the router's watchdog tick, reads every agent again, as the watchdog's dispatch already
 * bounded a missed event before.
 */
import type { AgentSnapshot } from "@tandem/sdk";
import { idleKey } from "./agent-selection.js";
import { IdleHeap, type IdleEntry } from "./idle-heap.js";

/** One queue's Ready agents: the heap, and the entry that counts for each agent (later ones replace earlier). */
interface QueueReady {
  heap: IdleHeap;
  live: Map<string, string>;
}

const NOTHING_SKIPPED: ReadonlySet<string> = new Set();
const EVERYONE = (): boolean => true;

function isFree(agent: AgentSnapshot | undefined): agent is AgentSnapshot {
  return agent !== undefined && agent.state === "Ready" && agent.calls.length === 0;
}

export class ReadyAgentsIndex {
  private readonly queues = new Map<string, QueueReady>();
  /** For each agent DN: the queues whose group holds it, with its place in that group. */
  private readonly groupsOf = new Map<string, { queue: QueueReady; order: number }[]>();
  /** Agents named by an event since the last selection, read when the next one starts. */
  private readonly touched = new Set<string>();

  constructor(
    groups: Readonly<Record<string, { agents: readonly string[] }>>,
    private readonly lookup: (dn: string) => AgentSnapshot | undefined,
  ) {
    for (const [name, { agents }] of Object.entries(groups)) {
      const queue: QueueReady = { heap: new IdleHeap(), live: new Map() };
      this.queues.set(name, queue);
      agents.forEach((dn, order) => {
        const places = this.groupsOf.get(dn) ?? [];
        places.push({ queue, order });
        this.groupsOf.set(dn, places);
      });
    }
    this.refreshAll();
  }

  /** An event named `dn`: read its state before the next selection (a no-op for DNs in no queue's group). */
  touch(dn: string | undefined): void {
    if (dn !== undefined && this.groupsOf.has(dn)) this.touched.add(dn);
  }

  /** Reads every agent again before the next selection. */
  refreshAll(): void {
    for (const dn of this.groupsOf.keys()) this.touched.add(dn);
  }

  /**
   * Offers the free Ready agents of `queue` not in `skip` that pass `eligible` to `accept`, longest idle first
   * (ties: group order), until it takes one (returns true): a call almost always takes the first. Returns the
   * agent taken. The entries looked at go back into the heap before this returns, whatever `accept` does.
   */
  first(
    queue: string,
    accept: (agent: AgentSnapshot) => boolean,
    skip: ReadonlySet<string> = NOTHING_SKIPPED,
    eligible: (dn: string) => boolean = EVERYONE,
  ): AgentSnapshot | undefined {
    this.settle();
    const ready = this.queues.get(queue);
    if (!ready) return undefined;
    const kept: IdleEntry[] = [];
    try {
      for (let entry = ready.heap.pop(); entry; entry = ready.heap.pop()) {
        if (ready.live.get(entry.dn) !== entry.idle) continue; // replaced by a later entry, or dropped
        const agent = this.lookup(entry.dn);
        if (!isFree(agent) || idleKey(agent.since) !== entry.idle) {
          ready.live.delete(entry.dn);
          // Ready again since another time with no event naming it: its place is behind the agents idle longer.
          if (isFree(agent)) this.place(agent.dn, idleKey(agent.since));
          continue;
        }
        kept.push(entry);
        if (!skip.has(entry.dn) && eligible(entry.dn) && accept(agent)) return agent;
      }
      return undefined;
    } finally {
      for (const entry of kept) ready.heap.push(entry);
    }
  }

  private settle(): void {
    if (this.touched.size === 0) return;
    for (const dn of this.touched) {
      const agent = this.lookup(dn);
      if (isFree(agent)) this.place(dn, idleKey(agent.since));
      else for (const { queue } of this.groupsOf.get(dn) ?? []) queue.live.delete(dn);
    }
    this.touched.clear();
  }

  private place(dn: string, idle: string): void {
    for (const { queue, order } of this.groupsOf.get(dn) ?? []) {
      if (queue.live.get(dn) === idle) continue;
      queue.live.set(dn, idle);
      queue.heap.push({ dn, idle, order });
    }
  }
}
