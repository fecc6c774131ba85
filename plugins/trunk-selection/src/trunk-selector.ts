/**
 * Answers `selectTrunk`: finds the trunk group for the leg (the Routing Point's `trunk-group` option, then
 * the first destination rule that matches, then `defaultGroup`, then every Trunk DN), lets the group's
 * strategy pick an in-service member not in `exclude`, and builds the Request-URI through the member's
 * active endpoint.
 */
import type { DnRegistry, Logger, TrunkChoice, TrunkSelectionRequest } from "@tandem/sdk";
import { TrunkErrors } from "./errors.js";
import { DN_OPTION_TRUNK_GROUP, type TrunkSelectionConfig } from "./manifest.js";
import { pickPrimaryBackup, pickRoundRobin, type MemberView, type RoundRobinCursor } from "./strategies.js";
import { ALL_TRUNKS, targetThrough, type GroupDefinition } from "./trunk-directory.js";
import type { TrunkPool } from "./trunk-pool.js";
import type { TrunkState } from "./trunk-state.js";

interface CompiledRoute {
  readonly regex: RegExp;
  readonly group: string;
}

/** The outcome of one selection, for the caller's counters and events. */
export interface Selection {
  readonly group: string;
  readonly choice: TrunkChoice | null;
  /**
   * Why `choice` is null: no member is in service, or every member in service already failed for this call
   * (they are in `exclude`) — the trunks API still shows those in service, so the two must not be confused.
   */
  readonly reason?: "none-in-service" | "all-tried";
}

export class TrunkSelector {
  private readonly cursors = new Map<string, RoundRobinCursor>();
  private readonly routes: CompiledRoute[] = [];
  private readonly warned = new Set<string>();
  private readonly defaultGroup: string | undefined;

  constructor(
    private readonly pool: TrunkPool,
    private readonly dns: DnRegistry,
    config: TrunkSelectionConfig,
    private readonly log: Logger,
  ) {
    for (const route of config.routes) {
      try {
        this.routes.push({ regex: new RegExp(route.pattern), group: route.group });
      } catch (err) {
        const e = TrunkErrors.badPattern(route.pattern, err instanceof Error ? err.message : String(err));
        log.error({ code: e.code }, e.message);
      }
    }
    this.defaultGroup = config.defaultGroup;
  }

  /**
   * Picks the trunk for a leg. `failed` holds the Request-URIs that already failed for this call: a trunk in
   * `exclude` whose other node (a `contact-backup`) is in service and untried is offered again through that
   * node first, as the core's own default walks a trunk's contacts; then the strategy picks among the rest.
   */
  select(request: TrunkSelectionRequest, failed: ReadonlySet<string> = new Set()): Selection {
    const group = this.groupFor(request);
    const sameTrunk = this.otherNode(group, request, failed);
    if (sameTrunk) return { group: group.number, choice: sameTrunk };
    const members: MemberView[] = [];
    for (const number of group.members) {
      const trunk = this.pool.trunk(number);
      if (trunk) members.push({ number, inService: trunk.inService, inServiceSince: trunk.inServiceSince });
    }
    const picked =
      group.strategy === "round-robin"
        ? pickRoundRobin(members, this.cursor(group.number), request.exclude)
        : pickPrimaryBackup(members, group.holdDownMs, request.exclude);
    const trunk = picked === undefined ? undefined : this.pool.trunk(picked);
    const endpoint = trunk?.activeEndpoint();
    if (!trunk || !endpoint) {
      const tried = members.some((m) => m.inService && request.exclude.includes(m.number));
      return { group: group.number, choice: null, reason: tried ? "all-tried" : "none-in-service" };
    }
    return { group: group.number, choice: this.take(trunk, endpoint.uri, request) };
  }

  /** An in-service node not yet tried for this call, of a trunk of the group that already failed for it. */
  private otherNode(group: GroupDefinition, request: TrunkSelectionRequest, failed: ReadonlySet<string>): TrunkChoice | undefined {
    if (failed.size === 0) return undefined;
    for (const number of request.exclude) {
      const trunk = group.members.includes(number) ? this.pool.trunk(number) : undefined;
      for (const endpoint of trunk?.endpoints ?? []) {
        if (endpoint.machine.state !== "in-service" || failed.has(targetThrough(endpoint.uri, request.destination))) continue;
        return trunk ? this.take(trunk, endpoint.uri, request) : undefined;
      }
    }
    return undefined;
  }

  private take(trunk: TrunkState, endpoint: string, request: TrunkSelectionRequest): TrunkChoice {
    trunk.counters.selections += 1;
    if (request.connId !== undefined) trunk.calls.set(request.connId, endpoint);
    return { trunk: trunk.number, target: targetThrough(endpoint, request.destination) };
  }

  /** The group a leg uses (see the file comment for the order). */
  groupFor(request: Pick<TrunkSelectionRequest, "destination" | "routingPoint">): GroupDefinition {
    const groups = this.pool.groups;
    const fromPoint = request.routingPoint ? DN_OPTION_TRUNK_GROUP.read(this.dns.get(request.routingPoint)) : undefined;
    const fromRoute = this.routes.find((r) => r.regex.test(request.destination))?.group;
    for (const [name, where] of [
      [fromPoint, `routing point ${request.routingPoint ?? ""}`],
      [fromRoute, "a destination rule"],
      [this.defaultGroup, "defaultGroup"],
    ] as const) {
      if (typeof name !== "string") continue;
      const group = groups.get(name);
      if (group) return group;
      this.warnOnce(where, name);
    }
    return groups.get(ALL_TRUNKS) ?? { number: ALL_TRUNKS, members: [], strategy: "round-robin", holdDownMs: 0 };
  }

  private cursor(group: string): RoundRobinCursor {
    let cursor = this.cursors.get(group);
    if (!cursor) {
      cursor = { last: -1 };
      this.cursors.set(group, cursor);
    }
    return cursor;
  }

  private warnOnce(where: string, group: string): void {
    const key = `${where}\u0000${group}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    const e = TrunkErrors.unknownGroup(where, group);
    this.log.warn({ code: e.code }, e.message);
  }
}
