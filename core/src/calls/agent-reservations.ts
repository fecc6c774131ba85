/**
 * Atomic agent reservation: one contact-centre call per agent, never two (domain.md §5, pain point 3).
 * Checking the agent and attaching the call happen in one synchronous step, so no other call can slip in
 * between; a map of our own guards against a registry that still shows a detached agent as free.
 */
import type { CallDetachOptions, DnRegistry, Logger } from "@tandem/sdk";

export class AgentReservations {
  /** agent DN → ConnID holding it. */
  private readonly held = new Map<string, string>();
  /**
   * ConnID → the agent DNs it holds: every call asks at its end (`heldBy`), and a scan of all holds costs as many
   * steps as calls are up at once.
   */
  private readonly byCall = new Map<string, Set<string>>();
  /** agent DN → time (ms since epoch) until which it is not offered routed calls (agent-refusal.ts). */
  private readonly heldOff = new Map<string, number>();

  constructor(
    private readonly dns: DnRegistry,
    private readonly logger: Logger,
  ) {}

  /**
   * Reserves `dn` for `connId`. Routed calls need a Ready agent with no call, not held off; a direct (DID) call
   * only needs the agent to be free of other contact-centre calls. True when `connId` holds the agent afterwards.
   */
  reserve(dn: string, connId: string, mode: "routed" | "direct"): boolean {
    const holder = this.held.get(dn);
    if (holder !== undefined) return holder === connId;
    const agent = this.dns.agent(dn);
    if (!agent) return false;
    if (agent.calls.length > 0) return false;
    if (mode === "routed" && (agent.state !== "Ready" || this.isHeldOff(dn))) return false;
    this.held.set(dn, connId);
    const mine = this.byCall.get(connId);
    if (mine) mine.add(dn);
    else this.byCall.set(connId, new Set([dn]));
    this.dns.attachCall(dn, connId);
    return true;
  }

  /**
   * `dn` is not reserved for routed calls for `ms` (its phone answered busy). Invisible to the agent's state: a
   * strategy finds it Ready but cannot reserve it, and the call goes elsewhere or waits.
   */
  holdOff(dn: string, ms: number): void {
    this.heldOff.set(dn, Date.now() + ms);
  }

  private isHeldOff(dn: string): boolean {
    const until = this.heldOff.get(dn);
    if (until === undefined) return false;
    if (Date.now() < until) return true;
    this.heldOff.delete(dn);
    return false;
  }

  holds(dn: string, connId: string): boolean {
    return this.held.get(dn) === connId;
  }

  holderOf(dn: string): string | undefined {
    return this.held.get(dn);
  }

  /** Agent DNs `connId` holds (a strategy may reserve more than it uses). */
  heldBy(connId: string): string[] {
    const mine = this.byCall.get(connId);
    return mine ? [...mine] : [];
  }

  /** Every hold, for the reconciliation sweep. */
  entries(): IterableIterator<[string, string]> {
    return this.held.entries();
  }

  /** Ends `connId`'s hold on `dn` and detaches it in the registry (the agent leaves Busy). */
  release(dn: string, connId: string, options?: CallDetachOptions): void {
    if (this.held.get(dn) !== connId) return;
    this.held.delete(dn);
    const mine = this.byCall.get(connId);
    mine?.delete(dn);
    if (mine?.size === 0) this.byCall.delete(connId);
    try {
      this.dns.detachCall(dn, connId, options);
    } catch (err) {
      // The registry refusing must not keep the hold: the sweep retries the detach.
      this.logger.error({ err, dn, connId }, "detaching the agent from the call failed");
    }
  }
}
