/**
 * The supervision requests ({@link SupervisionControl}): permission and scope first, then the monitoring is kept
 * and the supervisor joins the agent's call in progress (when intrusion is allowed) or its next call. Joining,
 * mode switches and leaving go through the {@link CallJoiner}; the call-watch.ts listeners start and end joins as
 * the agent's calls come and go.
 */
import type { DnRegistry, EventBus, Logger, MonitorNextCallRequest, MonitoringInfo, SetMuteRequest, SupervisionControl, SupervisionRequestBase } from "@tandem/sdk";
import type { CallJoiner, SupervisorGone } from "./call-joiner.js";
import { SupervisionErrors } from "./errors.js";
import type { SupervisionConfig } from "./manifest.js";
import { nextMode, type MuteSwitch } from "./mode-rules.js";
import { infoOf, Monitorings, type Monitoring } from "./monitorings.js";
import { SupervisionEvents, type CancelCause } from "./supervision-events.js";
import type { TeamScope } from "./team-scope.js";

export interface SupervisionDeps {
  readonly config: SupervisionConfig;
  readonly scope: TeamScope;
  readonly dns: DnRegistry;
  readonly bus: EventBus;
  readonly joiner: CallJoiner;
  readonly log: Logger;
}

export class SupervisionService implements SupervisionControl {
  readonly monitorings: Monitorings;
  private readonly events: SupervisionEvents;
  /** Monitorings whose supervisor is in the call's room (not only being rung). */
  private readonly joined = new WeakSet<Monitoring>();

  constructor(private readonly deps: SupervisionDeps) {
    this.monitorings = new Monitorings(deps.config.maxSupervisorsPerAgent);
    this.events = new SupervisionEvents(deps.bus);
  }

  async monitorNextCall(request: MonitorNextCallRequest): Promise<MonitoringInfo> {
    const name = "RequestMonitorNextCall";
    const { scope, config, joiner } = this.deps;
    scope.assertSupervisor(name, request.requester, request.dn);
    scope.assertMayMonitor(name, request.dn, request.agentDn);
    const mode = request.mode ?? config.defaultMode;
    joiner.assertMode(name, mode);
    const agent = this.deps.dns.agent(request.agentDn);
    if (!agent || agent.state === "LoggedOut") throw SupervisionErrors.notLoggedIn(name, request.agentDn);
    this.monitorings.assertFree(name, request.dn, request.agentDn);
    const m: Monitoring = {
      supervisorDn: request.dn,
      agentDn: request.agentDn,
      monitorType: request.monitorType ?? "one-call",
      scope: request.scope ?? config.defaultScope,
      mode,
      state: "waiting",
      since: new Date().toISOString(),
      source: request.requester.source,
    };
    this.monitorings.add(m);
    this.events.monitoringNextCall(m, request.referenceId);
    // Intrusion: the call in progress, for agents a team names (a queue-scoped team waits for a routed call).
    const current = agent.calls[0];
    if (config.intrusionEnabled && current !== undefined && scope.mayJoin(m.supervisorDn, m.agentDn, undefined)) this.startJoin(m, current, request.referenceId);
    return infoOf(m);
  }

  async cancelMonitoring(request: SupervisionRequestBase): Promise<void> {
    const name = "RequestCancelMonitoring";
    this.deps.scope.assertSupervisor(name, request.requester, request.dn);
    const m = this.monitorings.bySupervisorDn(request.dn);
    if (!m) throw SupervisionErrors.notMonitoring(name, request.dn);
    await this.cancel(m, "request", request.referenceId);
  }

  setMuteOn(request: SetMuteRequest): Promise<MonitoringInfo> {
    return this.switchMode("RequestSetMuteOn", request);
  }

  setMuteOff(request: SetMuteRequest): Promise<MonitoringInfo> {
    return this.switchMode("RequestSetMuteOff", request);
  }

  list(): readonly MonitoringInfo[] {
    return this.monitorings.all().map(infoOf);
  }

  /** The agent's call `connId` was established: waiting monitorings of the agent join it. */
  agentCallEstablished(agentDn: string, connId: string, queue: string | undefined, dnsOnCall: readonly string[]): void {
    for (const m of this.monitorings.ofAgent(agentDn)) {
      if (m.state !== "waiting" || dnsOnCall.includes(m.supervisorDn)) continue;
      if (!this.deps.scope.mayJoin(m.supervisorDn, agentDn, queue)) continue;
      this.startJoin(m, connId);
    }
  }

  /** The agent left call `connId` (the call may go on): supervisors with scope `agent` leave with it. */
  agentLeftCall(agentDn: string, connId: string): void {
    for (const m of this.monitorings.ofAgent(agentDn)) {
      if (m.connId !== connId) continue;
      if (m.scope === "agent") void this.leaveCall(m, connId, "agent-left");
    }
  }

  /** Monitoring ends when the supervisor or the agent logs out. */
  loggedOut(dn: string): void {
    const affected = [...this.monitorings.ofAgent(dn), ...[this.monitorings.bySupervisorDn(dn)].filter((m): m is Monitoring => m !== undefined)];
    for (const m of new Set(affected)) void this.cancel(m, "logout");
  }

  /** Ends every monitoring (shutdown). */
  async closeAll(): Promise<void> {
    await Promise.all(this.monitorings.all().map((m) => this.cancel(m, "request")));
  }

  private async switchMode(name: MuteSwitch, request: SetMuteRequest): Promise<MonitoringInfo> {
    this.deps.scope.assertSupervisor(name, request.requester, request.dn);
    const m = this.monitorings.bySupervisorDn(request.dn);
    if (!m) throw SupervisionErrors.notMonitoring(name, request.dn);
    const to = nextMode(m.mode, name, request.mode === "coach");
    if (!to) throw SupervisionErrors.badModeSwitch(name, m.mode, request.mode === "coach" ? "coach" : name === "RequestSetMuteOn" ? "mute" : "connect");
    this.deps.joiner.assertMode(name, to);
    const previous = m.mode;
    if (to !== previous && this.joined.has(m)) await this.deps.joiner.setMode(m, to);
    m.mode = to;
    this.events.modeChanged(m, previous, request.referenceId);
    return infoOf(m);
  }

  private startJoin(m: Monitoring, connId: string, referenceId?: string): void {
    m.state = "active";
    m.connId = connId;
    this.deps.joiner.join(m, connId, (why) => this.gone(m, connId, why)).then(
      () => {
        if (!this.monitorings.has(m) || m.connId !== connId) return;
        this.joined.add(m);
        this.events.partyAdded(m, connId, referenceId);
      },
      (err: unknown) => {
        // Cancelled (or moved on) while ringing: that request already said what happened.
        if (!this.monitorings.has(m) || m.connId !== connId) return;
        this.deps.log.warn({ err, connId, supervisorDn: m.supervisorDn }, "the supervisor could not join the call");
        const error = err instanceof Error && "code" in err ? (err as Error & { code: string }) : SupervisionErrors.joinFailed(m.supervisorDn, connId, String(err));
        this.deps.bus.emit("EventError", { dn: m.supervisorDn, connId, source: m.source, data: { code: error.code, message: error.message, thisDn: m.supervisorDn } });
        this.afterCall(m, connId, "join-failed");
      },
    );
  }

  private gone(m: Monitoring, connId: string, why: SupervisorGone): void {
    this.afterCall(m, connId, why === "call-ended" ? "call-ended" : "supervisor-left");
  }

  private async leaveCall(m: Monitoring, connId: string, cause: CancelCause): Promise<void> {
    if (m.connId !== connId) return;
    await this.deps.joiner.leave(m).catch((err: unknown) => this.deps.log.warn({ err, connId }, "the supervisor's leg did not end cleanly"));
    this.afterCall(m, connId, cause);
  }

  /** The supervisor is off call `connId`: a one-call monitoring ends, an all-calls one waits for the next call. */
  private afterCall(m: Monitoring, connId: string, cause: CancelCause): void {
    if (!this.monitorings.has(m) || m.connId !== connId) return;
    if (this.joined.has(m)) this.events.partyDeleted(m, connId, cause);
    this.joined.delete(m);
    m.state = "waiting";
    delete m.connId;
    if (m.monitorType === "one-call") {
      this.monitorings.remove(m);
      this.events.cancelled(m, cause);
    }
  }

  private async cancel(m: Monitoring, cause: CancelCause, referenceId?: string): Promise<void> {
    if (!this.monitorings.remove(m)) return;
    const connId = m.connId;
    if (connId !== undefined) {
      await this.deps.joiner.leave(m).catch((err: unknown) => this.deps.log.warn({ err, connId }, "the supervisor's leg did not end cleanly"));
      if (this.joined.has(m)) this.events.partyDeleted(m, connId, cause, referenceId);
      this.joined.delete(m);
    }
    this.events.cancelled(m, cause, referenceId);
  }
}
