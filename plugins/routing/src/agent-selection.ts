/**
 * Agent selection: longest idle among the Ready agents of a queue's group. "Idle since" is the agent's
 * `since` (when its current state began), which the registry moves when the agent leaves Busy or turns Ready.
 */
import type { AgentSnapshot } from "@tandem/sdk";

/**
 * Ready agents of `group`, longest idle first (ties: group order). `skip` holds DNs not to offer; `eligible`
 * filters further (skills).
 */
export function availableAgents(
  group: readonly string[],
  lookup: (dn: string) => AgentSnapshot | undefined,
  skip: ReadonlySet<string> = new Set(),
  eligible: (dn: string) => boolean = () => true,
): AgentSnapshot[] {
  const ready: Array<{ agent: AgentSnapshot; order: number; idle: number }> = [];
  group.forEach((dn, order) => {
    if (skip.has(dn) || !eligible(dn)) return;
    const agent = lookup(dn);
    if (!agent || agent.state !== "Ready" || agent.calls.length > 0) return;
    ready.push({ agent, order, idle: Date.parse(agent.since) });
  });
  ready.sort((a, b) => a.idle - b.idle || a.order - b.order);
  return ready.map((r) => r.agent);
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
