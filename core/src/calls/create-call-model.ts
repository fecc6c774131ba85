/**
 * The call model: owns every contact-centre call from the INVITE at a Routing Point or agent DID to the last
 * BYE, on the SDK's SIP verbs only (no sockets; SDP relayed, RTP untouched).
 */
import { AGENT_DN_TYPES, type InboundInvite, type PluginContext, type SipLeg, type Unsubscribe } from "@tandem/sdk";
import { AgentReservations } from "./agent-reservations.js";
import { Call } from "./call.js";
import { CallEvents } from "./call-events.js";
import { createCallMetrics, NO_CALL_METRICS } from "./call-metrics.js";
import { rejectCall, releaseCall, type CallEndings } from "./call-endings.js";
import { CallStore } from "./call-store.js";
import type { CallHistoryFilter, CallRecord, CallSnapshot } from "./call-types.js";
import { CallState } from "./call-types.js";
import { resolveCallsConfig, type CallsConfig } from "./calls-config.js";
import { registerCallRoutes } from "./call-routes.js";
import { runDirectCall } from "./direct-flow.js";
import { Reconciler, type SweepResult } from "./reconciler.js";
import { runRoutedCall } from "./route-flow.js";
import { CallErrors } from "./errors.js";
import { createCallControl, type CoreCallControl } from "./control/create-call-control.js";
import { checkCarryPolicy } from "./carried-headers.js";
import type { DialogRecovery } from "../sip/index.js";
import { dialogRefreshListener, findLostCalls, releaseLostCalls } from "./lost-calls.js";

/**
 * The part of a plugin's context (the SDK's `PluginContext`) the call model uses: SIP verbs, DNs, the bus, hooks,
 * its own storage (`calls__*` tables, storage/area-storage.ts) and routes (root routes under `CALL_API_PATHS`,
 * call-routes.ts), a logger; its config and metrics (`tandem_calls_*`, none when omitted) may be left out.
 */
export type CallModelPluginContext = Pick<PluginContext, "sip" | "dns" | "bus" | "hooks" | "storage" | "http" | "log"> &
  Partial<Pick<PluginContext<Partial<CallsConfig>>, "config" | "metrics">>;

/** The plugin's context plus the two things only the core has today. */
export interface CallModelDeps extends CallModelPluginContext {
  /** The stack's dialog recovery: answered calls are recorded and, after a crash, ended (lost-calls.ts). */
  dialogs?: DialogRecovery;
  /** When the previous run was last known alive (its newest logged event); calls it left open end then. */
  lastKnownTime?: () => string | undefined;
}

export interface CallModel {
  /** Closes calls left open by a previous run as `lost`, frees their agents, starts taking INVITEs and sweeping. */
  start(): void;
  /** Stops taking INVITEs; hangs up answered calls and refuses the others with 503. */
  stop(): Promise<void>;
  active(): CallSnapshot[];
  history(filter?: CallHistoryFilter): CallRecord[];
  get(connId: string): CallRecord | undefined;
  /** Runs one reconciliation sweep now (tests, admin). */
  sweep(): SweepResult;
  /** Third-party call control over this model: the server provides it as `CALL_CONTROL`/`core`. */
  readonly callControl: CoreCallControl;
}

export function createCallModel(deps: CallModelDeps): CallModel {
  const logger = deps.log.child({ area: "calls" });
  const calls = new Map<string, Call>();
  const config = resolveCallsConfig(deps.config);
  checkCarryPolicy(config);
  const ctx: CallEndings = {
    sip: deps.sip,
    dns: deps.dns,
    hooks: deps.hooks,
    logger,
    config,
    events: new CallEvents(deps.bus),
    store: new CallStore(deps.storage),
    reservations: new AgentReservations(deps.dns, logger),
    metrics: deps.metrics ? createCallMetrics(deps.metrics, () => calls.values()) : NO_CALL_METRICS,
    closed: (call) => calls.delete(call.connId),
    ...(deps.dialogs ? { dialogs: deps.dialogs, dialogRefreshed: (leg: SipLeg) => refreshDialog(leg) } : {}),
  };
  const refreshDialog = dialogRefreshListener(ctx, calls);
  const reconciler = new Reconciler(ctx, calls);
  let unsubscribe: Unsubscribe | undefined;

  const onInvite = (invite: InboundInvite): boolean => {
    const dn = invite.dn;
    const record = dn === undefined ? undefined : deps.dns.get(dn);
    if (dn === undefined || !record) {
      const err = CallErrors.unknownDn(dn ?? invite.request.ruri);
      logger.info({ code: err.code, callId: invite.request.callId }, err.message);
      invite.reject(404);
      return true;
    }
    const routed = record.type === "RoutingPoint" || record.type === "Queue";
    if (!routed && !AGENT_DN_TYPES.includes(record.type)) return false;
    const call = new Call({ invite, entryDn: dn, kind: routed ? "routed" : "direct", now: new Date() });
    if (record.type === "Queue") call.queueRequest = { queue: dn };
    admit(call);
    const flow = routed ? runRoutedCall(ctx, call) : runDirectCall(ctx, call);
    flow
      .catch((err: unknown) => {
        logger.error({ err, connId: call.connId }, "call flow failed");
        if (call.state === CallState.Established) releaseCall(ctx, call, "system");
        else rejectCall(ctx, call, 500, "internal");
      })
      .catch((err: unknown) => {
        // Even the clean-up failed (e.g. the database is gone): forget the call; the sweep frees its agent.
        logger.error({ err, connId: call.connId }, "ending the failed call failed");
        calls.delete(call.connId);
      });
    return true;
  };

  function admit(call: Call): void {
    record(call);
    call.customerLegRow = ctx.store.addLeg(call.connId, {
      role: "customer",
      sipCallId: call.invite.request.callId,
      direction: "inbound",
      startedAt: call.startedAt,
    });
    const onCancel = (): void => {
      // The flow awaiting the strategy or the agent's answer sees this and ends the call as abandoned.
      call.callerGone = true;
      call.abort.abort();
      call.outbound?.cancel("caller cancelled");
    };
    call.invite.onCancel(onCancel);
    // A CANCEL may have come while other onInvite handlers were asked (RFC 3261 §9.2: it ends the INVITE at once).
    if (call.invite.cancelled) onCancel();
  }

  /** The call becomes live and gets its record (calls control's make-call has no inbound leg to add). */
  function record(call: Call): void {
    calls.set(call.connId, call);
    ctx.store.createCall({
      connId: call.connId,
      state: call.state,
      ani: call.ani,
      dnis: call.dnis,
      entryDn: call.entryDn,
      startedAt: call.startedAt,
      userData: call.userData,
    });
  }

  // Third-party call control (control/*) acts on the same live calls and context.
  const callControl = createCallControl({ ctx, calls, admit: record });
  const active = (): CallSnapshot[] => [...calls.values()].map((call) => call.snapshot());
  const history = (filter: CallHistoryFilter = {}): CallRecord[] => ctx.store.history(filter);
  registerCallRoutes(deps.http, { active, history });
  return {
    start() {
      const lostCalls = findLostCalls(ctx.store);
      const lost = ctx.store.closeOpenAsLost(deps.lastKnownTime?.() ?? new Date().toISOString());
      releaseLostCalls(lostCalls, { bus: deps.bus, dialogs: deps.dialogs, store: ctx.store, logger }).catch((err: unknown) =>
        logger.error({ err }, "releasing the calls lost in the restart failed"),
      );
      if (lost > 0) {
        const err = CallErrors.lost(lost);
        logger.warn({ code: err.code }, err.message);
      }
      reconciler.sweep();
      unsubscribe = deps.sip.onInvite(onInvite);
      reconciler.start();
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      reconciler.stop();
      await Promise.all([...calls.values()].map((call) => shutdownCall(ctx, call)));
    },
    active,
    history,
    get: (connId) => ctx.store.get(connId),
    sweep: () => reconciler.sweep(),
    callControl,
  };
}

async function shutdownCall(ctx: CallEndings, call: Call): Promise<void> {
  if (call.state === CallState.Established) {
    call.bridge?.unbridge();
    const legs = [call.customerLeg, call.agentLeg];
    await Promise.all(legs.map((leg) => leg?.bye().catch(() => undefined)));
    releaseCall(ctx, call, "system", { by: "local" });
    return;
  }
  call.outbound?.cancel("server stopping");
  rejectCall(ctx, call, 503, "shutdown");
}
