/**
 * Who may supervise whom: the requester must be a supervisor (a desktop token marked `supervisor: true`, or an
 * admin tool), and a team of `plugins.supervision.teams` must list the supervisor's DN with the agent's DN, or
 * with a queue (then only the agent's calls routed through that queue are joined).
 */
import type { SupervisionRequester } from "@tandem/sdk";
import { SupervisionErrors } from "./errors.js";
import type { SupervisionTeam } from "./manifest.js";

export class TeamScope {
  constructor(private readonly teams: readonly SupervisionTeam[]) {}

  /** Throws unless `requester` may supervise at all. */
  assertSupervisor(name: string, requester: SupervisionRequester, supervisorDn: string): void {
    if (!requester.supervisor) throw SupervisionErrors.notSupervisor(name, requester.principal ?? supervisorDn);
  }

  /** Throws unless some team lets `supervisorDn` monitor `agentDn` (by name, or through one of its queues). */
  assertMayMonitor(name: string, supervisorDn: string, agentDn: string): void {
    const mine = this.teamsOf(supervisorDn);
    if (!mine.some((t) => t.agents.includes(agentDn) || t.queues.length > 0)) throw SupervisionErrors.outOfScope(name, supervisorDn, agentDn);
  }

  /** Whether `supervisorDn` may join `agentDn`'s call that came through `queue` (a routing point, if any). */
  mayJoin(supervisorDn: string, agentDn: string, queue: string | undefined): boolean {
    return this.teamsOf(supervisorDn).some((t) => t.agents.includes(agentDn) || (queue !== undefined && t.queues.includes(queue)));
  }

  private teamsOf(supervisorDn: string): SupervisionTeam[] {
    return this.teams.filter((t) => t.supervisors.includes(supervisorDn));
  }
}
