/**
 * The queue router behind the `routeCall` hook. A call at a Routing Point joins the queue the Routing Point
 * maps to; the hook's promise stays open while it waits and settles with the agent it reserved (longest idle
 * Ready agent of the queue's group), an overflow destination, or a refusal. Distribution runs whenever an
 * agent may have become free (EventAgentReady, a call's end) and on a watchdog tick, so a missed event
 * never strands a queue (domain.md §5, pain point 2).
 */
import type { AgentSnapshot, DnRegistry, EventBus, Logger, RouteDecision, RouteRequest, Unsubscribe } from "@tandem/sdk";
import { anyLoggedIn, availableAgents, hasSkills } from "./agent-selection.js";
import { AbortWatches } from "./abort-watches.js";
import { CallQueue, compareEntries, type QueueEntry } from "./call-queue.js";
import { RoutingErrors } from "./errors.js";
import { ReadyAgentsIndex } from "./ready-agents-index.js";
import { DN_OPTION_QUEUES, DN_OPTION_SKILLS } from "./manifest.js";
import type { QueueConfig, RoutingConfig } from "./routing-config.js";

/** Max queue-to-queue overflows of one call, so two queues that overflow into each other cannot loop. */
const MAX_OVERFLOWS = 5;

/** A call the router holds: the latest request (its reserve/report) and how to answer it. */
interface Waiting {
  request: RouteRequest;
  resolve: (decision: RouteDecision | null) => void;
  queue: string;
  priority: number;
  timer?: NodeJS.Timeout;
}

/** Where a call waited, remembered until it is answered or gone, for requeue after a failed delivery. */
interface Placement {
  queue: string;
  priority: number;
  arrival: number;
  /** When the call entered its current queue (the queue time-out counts from here). */
  queueSinceMs: number;
  overflows: number;
}

export interface RouterDeps {
  dns: DnRegistry;
  bus: EventBus;
  log: Logger;
  config: RoutingConfig;
}

/** A queue's figures for the API. */
export interface QueueStats {
  name: string;
  waiting: number;
  readyAgents: number;
  oldestWaitMs: number;
}

export class Router {
  private readonly queues = new Map<string, CallQueue<Waiting>>();
  private readonly placements = new Map<string, Placement>();
  private arrivals = 0;
  private dispatchScheduled = false;
  private watchdog: NodeJS.Timeout | undefined;
  private unsubscribe: Unsubscribe[] = [];
  /** Once a call aborts (it ended, however) the router forgets it; dropped once the call is answered. */
  private readonly abortWatches = new AbortWatches((connId) => this.forget(connId));

  private readonly ready: ReadyAgentsIndex;

  constructor(private readonly deps: RouterDeps) {
    for (const name of Object.keys(deps.config.queues)) this.queues.set(name, new CallQueue(name));
    this.ready = new ReadyAgentsIndex(deps.config.queues, (dn) => deps.dns.agent(dn));
  }

  start(): void {
    const later = (): void => this.scheduleDispatch();
    // Any event about an agent may mean it turned Ready or stopped being free (ready-agents-index.ts).
    this.unsubscribe.push(this.deps.bus.on("*", (e) => this.ready.touch(e.dn)));
    this.unsubscribe.push(this.deps.dns.onChange(() => this.ready.refreshAll()));
    // An agent turning Ready, or a call ending (the agent leaves Busy without an event of its own).
    for (const name of ["EventAgentReady", "EventReleased", "EventAbandoned", "EventAgentLogin"] as const) {
      this.unsubscribe.push(this.deps.bus.on(name, later));
    }
    this.unsubscribe.push(
      this.deps.bus.on("EventEstablished", (e) => {
        if (!e.connId) return;
        this.placements.delete(e.connId);
        this.abortWatches.unwatch(e.connId);
      }),
    );
    this.watchdog = setInterval(() => {
      this.ready.refreshAll();
      later();
    }, this.deps.config.dispatchIntervalMs);
    this.watchdog.unref();
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    clearInterval(this.watchdog);
    for (const queue of this.queues.values()) {
      for (const entry of [...queue.list()]) this.take(entry.value)?.resolve(null);
    }
    this.placements.clear();
    this.abortWatches.clear();
  }

  /** The `routeCall` handler: null when the call is not for one of our queues. */
  route(request: RouteRequest): Promise<RouteDecision | null> | RouteDecision | null {
    if (request.signal.aborted) return null;
    const placed = this.placements.get(request.connId);
    const requeue = placed !== undefined && request.attempts.length > 0;
    const name = request.queue?.queue ?? (requeue ? placed.queue : this.queueOf(request.routingPoint));
    if (name === undefined) return null;
    const config = this.deps.config.queues[name];
    if (!config) {
      const err = RoutingErrors.unknownQueue(request.routingPoint, name);
      this.deps.log.warn({ code: err.code, connId: request.connId }, err.message);
      return null;
    }
    if (!requeue && config.whenNoAgents !== "queue" && !anyLoggedIn(config.agents, (dn) => this.deps.dns.agent(dn))) {
      const err = RoutingErrors.noAgents(name, request.connId);
      this.deps.log.info({ code: err.code }, err.message);
      if (config.whenNoAgents === "reject" || !config.overflow) return { kind: "reject", status: config.rejectStatus };
    }
    const priority = request.queue?.priority ?? placed?.priority ?? this.priorityOf(request);
    this.abortWatches.watch(request.connId, request.signal);
    const direct = this.deliverAtOnce(request, name, config, priority);
    if (direct) return direct;
    return new Promise((resolve) => {
      const waiting: Waiting = { request, resolve, queue: name, priority };
      if (!requeue && config.whenNoAgents === "overflow" && !anyLoggedIn(config.agents, (dn) => this.deps.dns.agent(dn))) {
        this.placements.set(request.connId, this.newPlacement(name, priority));
        return this.overflow(waiting, config, "no-agents");
      }
      this.place(waiting, requeue);
    });
  }

  /**
   * A call that finds its queue empty and a Ready agent goes straight to the agent (no EventQueued), as a
   * strategy that routes at once would. With calls already waiting it queues behind them.
   */
  private deliverAtOnce(request: RouteRequest, name: string, config: QueueConfig, priority: number): RouteDecision | undefined {
    if ((this.queues.get(name)?.size ?? 0) > 0) return undefined;
    const tried = new Set(request.attempts.map((a) => a.dn));
    const agent = this.firstReserved(name, config, tried, (dn) => request.reserve(dn));
    if (agent) {
      this.placements.set(request.connId, this.newPlacement(name, priority));
      return {
        kind: "agent",
        dn: agent.dn,
        ...(config.ringTimeoutMs === undefined ? {} : { ringTimeoutMs: config.ringTimeoutMs }),
        ...(config.noAnswerReason === undefined ? {} : { noAnswerReason: config.noAnswerReason }),
      };
    }
    return undefined;
  }

  stats(): QueueStats[] {
    const now = Date.now();
    return [...this.queues.values()].map((queue) => {
      const head = queue.head();
      const since = head ? this.placements.get(head.connId)?.queueSinceMs : undefined;
      const config = this.deps.config.queues[queue.name];
      return {
        name: queue.name,
        waiting: queue.size,
        readyAgents: config ? this.readyAgents(config).length : 0,
        oldestWaitMs: since === undefined ? 0 : now - since,
      };
    });
  }

  /** Runs distribution until no waiting call can get an agent. Public for tests. */
  dispatch(): void {
    this.dispatchScheduled = false;
    try {
      while (this.dispatchOne()) {
        // each round hands one call to one agent
      }
    } catch (err) {
      // Runs from timers: a throw here would end the process. The watchdog tries again.
      this.deps.log.error({ err }, "distribution failed");
    }
  }

  private dispatchOne(): boolean {
    const heads = [...this.queues.values()]
      .map((q) => q.head())
      .filter((h): h is QueueEntry<Waiting> => h !== undefined)
      .sort(compareEntries);
    const refused = new Set<string>();
    for (const head of heads) {
      const config = this.deps.config.queues[head.value.queue];
      if (!config) continue;
      const taken = this.firstReserved(head.value.queue, config, refused, (dn) => {
        if (head.value.request.reserve(dn)) return true;
        refused.add(dn);
        return false;
      });
      if (taken) {
        this.deliver(head.value, taken.dn, config);
        return true;
      }
    }
    return false;
  }

  private deliver(waiting: Waiting, dn: string, config: QueueConfig): void {
    this.take(waiting);
    waiting.resolve({
      kind: "agent",
      dn,
      ...(config.ringTimeoutMs === undefined ? {} : { ringTimeoutMs: config.ringTimeoutMs }),
      ...(config.noAnswerReason === undefined ? {} : { noAnswerReason: config.noAnswerReason }),
    });
  }

  /** Puts a call in its queue (at the head of its priority when `requeue`), reports it and arms the time-out. */
  private place(waiting: Waiting, requeue: boolean): void {
    const { request } = waiting;
    const previous = this.placements.get(request.connId);
    const placement: Placement =
      previous && (requeue || previous.queue !== waiting.queue)
        ? { ...previous, queue: waiting.queue, priority: waiting.priority, queueSinceMs: requeue ? previous.queueSinceMs : Date.now() }
        : this.newPlacement(waiting.queue, waiting.priority);
    this.placements.set(request.connId, placement);
    const queue = this.queues.get(waiting.queue) as CallQueue<Waiting>;
    const position = queue.add({ connId: request.connId, priority: waiting.priority, arrival: placement.arrival, requeued: requeue, value: waiting });
    request.report({ kind: "queued", queue: waiting.queue, priority: waiting.priority, position });
    const config = this.deps.config.queues[waiting.queue];
    if (config && config.timeoutMs > 0) {
      const left = placement.queueSinceMs + config.timeoutMs - Date.now();
      waiting.timer = setTimeout(() => this.timeout(waiting, config), Math.max(0, left));
    }
    this.scheduleDispatch();
  }

  private timeout(waiting: Waiting, config: QueueConfig): void {
    if (!this.take(waiting)) return;
    const waited = Date.now() - (this.placements.get(waiting.request.connId)?.queueSinceMs ?? Date.now());
    const err = RoutingErrors.queueTimeout(waiting.request.connId, waited, waiting.queue);
    this.deps.log.info({ code: err.code }, err.message);
    this.overflow(waiting, config, "timeout");
  }

  /** Sends a call that cannot wait here any longer to the queue's overflow, or refuses it. */
  private overflow(waiting: Waiting, config: QueueConfig, reason: string): void {
    const { request } = waiting;
    const placement = this.placements.get(request.connId);
    const target = config.overflow;
    if (target?.queue !== undefined && placement && placement.overflows < MAX_OVERFLOWS && this.queues.has(target.queue)) {
      request.report({ kind: "diverted", from: waiting.queue, to: target.queue, reason });
      placement.overflows++;
      this.place({ ...waiting, queue: target.queue, timer: undefined }, false);
      return;
    }
    this.placements.delete(request.connId);
    if (target?.dn !== undefined) {
      request.report({ kind: "diverted", from: waiting.queue, to: target.dn, reason });
      waiting.resolve({ kind: "dn", dn: target.dn });
      return;
    }
    if (target?.queue !== undefined) {
      const err = RoutingErrors.overflowLoop(request.connId, placement?.overflows ?? 0, waiting.queue);
      this.deps.log.warn({ code: err.code }, err.message);
    }
    waiting.resolve({ kind: "reject", status: config.rejectStatus });
  }

  /** Removes a waiting call from its queue and disarms its time-out; undefined when it was not queued. */
  private take(waiting: Waiting): Waiting | undefined {
    clearTimeout(waiting.timer);
    const entry = this.queues.get(waiting.queue)?.remove(waiting.request.connId);
    return entry?.value === waiting ? waiting : entry?.value;
  }

  /** The caller hung up or the call ended: take it out of every queue and forget where it waited. */
  private forget(connId: string): void {
    for (const queue of this.queues.values()) {
      const entry = queue.remove(connId);
      if (!entry) continue;
      clearTimeout(entry.value.timer);
      entry.value.resolve(null);
    }
    this.placements.delete(connId);
  }

  /** Calls the router remembers (waiting or being delivered), for tests and health. */
  tracked(): number {
    return this.placements.size;
  }

  /** The longest idle Ready agent of the queue's group with the queue's skills that `reserve` takes. */
  private firstReserved(
    queue: string,
    config: QueueConfig,
    skip: ReadonlySet<string>,
    reserve: (dn: string) => boolean,
  ): AgentSnapshot | undefined {
    return this.ready.first(queue, (agent) => reserve(agent.dn), skip, this.eligibleFor(config));
  }

  /** All of them at once (the queue's figures). */
  private readyAgents(config: QueueConfig): AgentSnapshot[] {
    return availableAgents(config.agents, (dn) => this.deps.dns.agent(dn), undefined, this.eligibleFor(config));
  }

  private eligibleFor(config: QueueConfig): (dn: string) => boolean {
    return (dn) => hasSkills(DN_OPTION_SKILLS.read(this.deps.dns.get(dn)), config.skills);
  }

  private newPlacement(queue: string, priority: number): Placement {
    return { queue, priority, arrival: ++this.arrivals, queueSinceMs: Date.now(), overflows: 0 };
  }

  private queueOf(routingPoint: string): string | undefined {
    const mapped = this.deps.config.routingPoints[routingPoint]?.queue;
    if (mapped !== undefined) return mapped;
    const dn = this.deps.dns.get(routingPoint);
    const first = DN_OPTION_QUEUES.read(dn)?.[0];
    if (first !== undefined) return first;
    if (DN_OPTION_QUEUES.isSet(dn)) {
      const err = RoutingErrors.badQueueOption(routingPoint);
      this.deps.log.warn({ code: err.code }, err.message);
    }
    return undefined;
  }

  private priorityOf(request: RouteRequest): number {
    const fromData = request.userData.priority;
    if (typeof fromData === "number" && Number.isInteger(fromData)) return fromData;
    return this.deps.config.routingPoints[request.routingPoint]?.priority ?? 0;
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    // Deferred: a call's end is announced before the agent is detached, and several triggers often come together.
    setImmediate(() => this.dispatch());
  }
}
