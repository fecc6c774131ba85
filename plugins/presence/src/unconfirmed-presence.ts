/**
 * What presence does with an agent whose phone it cannot confirm in time: NotReady with reason code
 * `presence-unconfirmed`, asked of the arbiter like any other presence NotReady, so the priority rule holds and
 * the API (`/api/v1/agents`: reasonCode, setBy presence) and the events (EventAgentNotReady) say why the agent
 * gets no calls. The first readable NOTIFY lifts it again (or turns it into what the phone says).
 */
import type { DnRegistry, Logger } from "@tandem/sdk";
import { PresenceErrors } from "./errors.js";

/** Reason code of the NotReady presence sets while it cannot confirm a phone's state. */
export const UNCONFIRMED_REASON = "presence-unconfirmed";

interface Deps {
  readonly dns: DnRegistry;
  readonly log: Logger;
}

/** The DN stayed unconfirmed too long: keep calls away from a logged-in agent. */
export function holdUnconfirmed(deps: Deps, dn: string, withinMs: number, why: string): void {
  const agent = deps.dns.agent(dn);
  const err = PresenceErrors.unconfirmed(dn, withinMs, why);
  deps.log.warn({ dn, code: err.code, agent: agent?.state }, err.message);
  if (agent === undefined || agent.baseState === "LoggedOut" || holdsUnconfirmed(deps, dn)) return;
  request(deps, dn, "NotReady");
}

/** The DN is confirmed again: withdraw presence's unconfirmed NotReady if the NOTIFY's own rules left it. */
export function releaseUnconfirmed(deps: Deps, dn: string): void {
  if (!holdsUnconfirmed(deps, dn)) return;
  deps.log.info({ dn }, "presence: phone state confirmed again");
  request(deps, dn, "Ready");
}

function holdsUnconfirmed(deps: Deps, dn: string): boolean {
  const agent = deps.dns.agent(dn);
  return agent?.baseState === "NotReady" && agent.setBy === "presence" && agent.reasonCode === UNCONFIRMED_REASON;
}

function request(deps: Deps, dn: string, kind: "NotReady" | "Ready"): void {
  try {
    const result = deps.dns.requestAgentState(
      kind === "NotReady"
        ? { dn, request: "NotReady", source: "presence", reasonCode: UNCONFIRMED_REASON }
        : { dn, request: "Ready", source: "presence", withdrawOwnNotReady: true },
    );
    deps.log.debug({ dn, request: kind, applied: result.applied, code: result.code }, "presence confirmation request");
  } catch (err) {
    deps.log.error({ dn, err, request: kind }, "agent-state request failed");
  }
}
