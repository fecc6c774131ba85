/**
 * Agent selection: longest idle among the Ready agents of a queue's group. "Idle since" is the agent's
 * `since` (when its current state began), which the registry moves when the agent leaves Busy or turns Ready.
 */
import type { AgentSnapshot } from "@tandem/sdk";

interface ReadyAgent {
  agent: AgentSnapshot;
  order: number;
  /** When it went idle, as a UTC ISO 8601 string of fixed length: these order as text, without a Date.parse each. */
  idle: string;
}

/** `since` as `toISOString()` writes it (what the registry stamps), else that form of it; unreadable stays as is. */
export function idleKey(since: string): string {
  if (since.length === 24 && since.endsWith("Z")) return since;
  const ms = Date.parse(since);
  return Number.isNaN(ms) ? since : new Date(ms).toISOString();
}

const NOTHING_SKIPPED: ReadonlySet<string> = new Set();
const EVERYONE = (): boolean => true;

/** Longer idle first; ties in group order. */
function compareIdle(a: ReadyAgent, b: ReadyAgent): number {
  if (a.idle !== b.idle) return a.idle < b.idle ? -1 : 1;
  return a.order - b.order;
}

/**
 * The Ready agents of `group` not in `skip` that pass `eligible`. The agent's state is read before `eligible`
 * runs: in a busy queue most agents are not Ready, and skills cost a DN lookup.
 */
function readyOf(
  group: readonly string[],
  lookup: (dn: string) => AgentSnapshot | undefined,
  skip: ReadonlySet<string>,
  eligible: (dn: string) => boolean,
): ReadyAgent[] {
  const ready: ReadyAgent[] = [];
  for (let order = 0; order < group.length; order++) {
    const dn = group[order] as string;
    if (skip.has(dn)) continue;
    const agent = lookup(dn);
    if (!agent || agent.state !== "Ready" || agent.calls.length > 0 || !eligible(dn)) continue;
    ready.push({ agent, order, idle: idleKey(agent.since) });
  }
  return ready;
}

/**
 * Ready agents of `group`, longest idle first (ties: group order). `skip` holds DNs not to offer; `eligible`
 * filters further (skills).
 */
export function availableAgents(
  group: readonly string[],
  lookup: (dn: string) => AgentSnapshot | undefined,
  skip: ReadonlySet<string> = NOTHING_SKIPPED,
  eligible: (dn: string) => boolean = EVERYONE,
): AgentSnapshot[] {
  return readyOf(group, lookup, skip, eligible)
    .sort(compareIdle)
    .map((r) => r.agent);
}

/**
 * The same agents in the same order as {@link availableAgents}, found one at a time: a call almost always takes
 * the first, so a scan for the longest idle replaces sorting every Ready agent of the group per call.
 */
export function* longestIdleFirst(
  group: readonly string[],
  lookup: (dn: string) => AgentSnapshot | undefined,
  skip: ReadonlySet<string> = NOTHING_SKIPPED,
  eligible: (dn: string) => boolean = EVERYONE,
): Generator<AgentSnapshot, void, undefined> {
  const left = readyOf(group, lookup, skip, eligible);
  while (left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i++) if (compareIdle(left[i] as ReadyAgent, left[best] as ReadyAgent) < 0) best = i;
    const { agent } = left[best] as ReadyAgent;
    left[best] = left[left.length - 1] as ReadyAgent;
    left.pop();
    yield agent;
  }
}

/** True when at least one agent of `group` is logged in (any state but LoggedOut). */
export function anyLoggedIn(group: readonly string[], lookup: (dn: string) => AgentSnapshot | undefined): boolean {
  return group.some((dn) => {
    const agent = lookup(dn);
    return agent !== undefined && agent.baseState !== "LoggedOut";
  });
}

/** True when `agentSkills` (a DN's `skills` option, undefined when unset) holds every one of `required`. */
export function hasSkills(agentSkills: readonly string[] | undefined, required: readonly string[] | undefined): boolean {
  if (!required || required.length === 0) return true;
  if (agentSkills === undefined) return false;
  return required.every((skill) => agentSkills.includes(skill));
}
