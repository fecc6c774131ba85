/**
 * The monitorings in force: one agent per supervisor, at most `maxSupervisorsPerAgent` supervisors per agent
 * (TMonitorNextCall: a second supervisor for the same agent is refused unless configured otherwise).
 */
import type { MonitorMode, MonitorScope, MonitorType, MonitoringInfo } from "@tandem/sdk";
import { SupervisionErrors } from "./errors.js";

/** A monitoring as the plugin keeps it (mutable copy of {@link MonitoringInfo}). */
export interface Monitoring {
  readonly supervisorDn: string;
  readonly agentDn: string;
  readonly monitorType: MonitorType;
  readonly scope: MonitorScope;
  mode: MonitorMode;
  state: "waiting" | "active";
  /** The call the supervisor is on, or being rung for. */
  connId?: string;
  readonly since: string;
  /** The interface that asked; the events it causes carry it. */
  readonly source: string;
}

export function infoOf(m: Monitoring): MonitoringInfo {
  const { supervisorDn, agentDn, monitorType, scope, mode, state, since } = m;
  return { supervisorDn, agentDn, monitorType, scope, mode, state, since, ...(m.connId ? { connId: m.connId } : {}) };
}

export class Monitorings {
  private readonly bySupervisor = new Map<string, Monitoring>();

  constructor(private readonly maxPerAgent: number) {}

  /** Throws unless `supervisorDn` is free and `agentDn` may take one more supervisor. */
  assertFree(name: string, supervisorDn: string, agentDn: string): void {
    const own = this.bySupervisor.get(supervisorDn);
    if (own) throw SupervisionErrors.supervisorBusy(name, supervisorDn, own.agentDn);
    const others = this.ofAgent(agentDn);
    if (others.length >= this.maxPerAgent) throw SupervisionErrors.agentTaken(name, agentDn, others.map((m) => m.supervisorDn).join(", "));
  }

  add(m: Monitoring): void {
    this.bySupervisor.set(m.supervisorDn, m);
  }

  remove(m: Monitoring): boolean {
    if (this.bySupervisor.get(m.supervisorDn) !== m) return false;
    this.bySupervisor.delete(m.supervisorDn);
    return true;
  }

  /** Whether `m` is still in force (not cancelled meanwhile). */
  has(m: Monitoring): boolean {
    return this.bySupervisor.get(m.supervisorDn) === m;
  }

  bySupervisorDn(dn: string): Monitoring | undefined {
    return this.bySupervisor.get(dn);
  }

  ofAgent(dn: string): Monitoring[] {
    return [...this.bySupervisor.values()].filter((m) => m.agentDn === dn);
  }

  onCall(connId: string): Monitoring[] {
    return [...this.bySupervisor.values()].filter((m) => m.connId === connId);
  }

  all(): Monitoring[] {
    return [...this.bySupervisor.values()];
  }
}
