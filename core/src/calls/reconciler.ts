/**
 * Reconciliation (domain.md §5, pain point 1: agents stuck "in call" until restart). A periodic sweep
 * compares the registry with the live calls: an agent attached to a call the model no longer has is detached;
 * a ringing leg past its deadline is cancelled; an established call not probed for `sessionProbeMs` gets a
 * session refresh (re-INVITE with the same SDP, RFC 4028 §7.4 / RFC 3261 §14) on both legs, and a call whose
 * leg does not answer it is released.
 */
import { SipError, type SipLeg } from "@tandem/sdk";
import type { Call } from "./call.js";
import { CallState } from "./call-types.js";
import { releaseCall, type CallEndings } from "./call-endings.js";
import { CallErrors } from "./errors.js";

/** Margin over a ring time-out before the sweep gives up on a ringing leg (covers Timer B/C, 64·T1). */
const RING_GRACE_MS = 40_000;

/** Statuses of a refresh that prove the dialog is gone (RFC 3261 §12.2.2, §8.1.3.1). */
function dialogGone(err: unknown): boolean {
  if (!(err instanceof SipError)) return true;
  return err.status === 481 || err.status === 408 || err.origin !== "remote";
}

export interface SweepResult {
  freedAgents: number;
  cancelledRings: number;
  probedCalls: number;
}

export class Reconciler {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ctx: CallEndings,
    private readonly calls: ReadonlyMap<string, Call>,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      try {
        this.sweep();
      } catch (err) {
        this.ctx.logger.error({ err }, "reconciliation sweep failed");
      }
    }, this.ctx.config.sweepIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  sweep(now = Date.now()): SweepResult {
    const result: SweepResult = { freedAgents: this.freeStuckAgents(), cancelledRings: 0, probedCalls: 0 };
    for (const call of this.calls.values()) {
      if (call.state === CallState.Ringing && call.outbound && now > call.ringDeadlineMs + RING_GRACE_MS) {
        call.outbound.cancel("ring deadline passed");
        result.cancelledRings++;
      }
      if (call.state === CallState.Established && now - call.lastProbeMs >= this.ctx.config.sessionProbeMs) {
        call.lastProbeMs = now;
        this.probe(call).catch((err: unknown) => this.ctx.logger.error({ err, connId: call.connId }, "session probe failed"));
        result.probedCalls++;
      }
    }
    return result;
  }

  /** Detaches calls the registry still shows on agents but the model does not have (or no longer holds). */
  private freeStuckAgents(): number {
    let freed = 0;
    for (const agent of this.ctx.dns.agents()) {
      for (const connId of agent.calls) {
        const call = this.calls.get(connId);
        if (call && !call.ended && this.ctx.reservations.holds(agent.dn, connId)) continue;
        const err = CallErrors.stuckAgent(agent.dn, connId);
        this.ctx.logger.warn({ code: err.code, dn: agent.dn, connId }, err.message);
        this.ctx.reservations.release(agent.dn, connId, { source: "calls" });
        // The registry may hold a call we never reserved (e.g. reserved before a restart): detach it directly.
        if (this.ctx.dns.agent(agent.dn)?.calls.includes(connId)) this.ctx.dns.detachCall(agent.dn, connId, { source: "calls" });
        freed++;
      }
    }
    for (const [dn, connId] of [...this.ctx.reservations.entries()]) {
      const call = this.calls.get(connId);
      if (!call || call.ended) {
        this.ctx.reservations.release(dn, connId, { source: "calls" });
        freed++;
      }
    }
    return freed;
  }

  private async probe(call: Call): Promise<void> {
    const legs = [call.customerLeg, call.agentLeg].filter((leg): leg is SipLeg => leg !== undefined && leg.state === "confirmed");
    for (const leg of legs) {
      try {
        await leg.reinvite({ ...(leg.localSdp === undefined ? {} : { sdp: leg.localSdp }) });
      } catch (err) {
        if (!dialogGone(err) || call.ended) continue;
        const coded = CallErrors.probeFailed(call.connId, err instanceof Error ? err.message : String(err));
        this.ctx.logger.warn({ code: coded.code, connId: call.connId }, coded.message);
        // Account first, so the bridge's own end (when the BYEs go out) finds the call already released.
        releaseCall(this.ctx, call, "system", { by: "session-timer" });
        await Promise.all(legs.map((l) => l.bye().catch(() => undefined)));
        return;
      }
    }
  }
}
