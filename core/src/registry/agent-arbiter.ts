/**
 * The agent-state arbiter as a pure state machine: (state, request, now) → (new state, outcome).
 * No storage, no bus: the registry persists the state and emits the events this module describes.
 *
 * The spec's rule ("a message that brings an agent in the Not Ready/Logout state [has] higher priority over a
 * message that brings an agent in the Login/Ready state coming from a different interface") is kept as *blocks*:
 * each source that asked for NotReady or Logout holds a block until it asks for Ready/Login itself. A Login or
 * Ready is refused while another source still holds a block of the kind that opposes it, and a refused request
 * changes nothing: a desktop whose Ready was refused still holds the NotReady it set (its Lunch is not lost when
 * the other interface lets go later). The one exception is asked for explicitly: a Ready with
 * `withdrawOwnNotReady` (an observer saying its reason is gone, e.g. the phone is idle again) withdraws the
 * requester's own block even when refused, so two interfaces can never hold each other's agent forever.
 */
import type { AgentEventName, AgentRequestKind, AgentSnapshot, WorkMode } from "@tandem/sdk";
import { RegistryErrors } from "./errors.js";

/** Base state of an agent (Busy is derived from attached calls). */
export type BaseState = "LoggedOut" | "NotReady" | "Ready";

/** What one source holds against the agent. */
export interface AgentBlock {
  readonly kind: "Logout" | "NotReady";
  readonly reasonCode?: string;
  readonly workMode?: WorkMode;
  /** Set by the call model's after-call work: any Ready clears it. */
  readonly afterCall?: boolean;
  /** Other sources whose Ready also clears this block (see `AgentStateRequest.releasableBy`). */
  readonly releasableBy?: readonly string[];
}

/** The full persisted state of one agent DN. */
export interface AgentState {
  readonly dn: string;
  readonly base: BaseState;
  readonly reasonCode?: string;
  readonly workMode?: WorkMode;
  /** ISO time the visible state (Busy or base) began. */
  readonly since: string;
  readonly setBy?: string;
  readonly calls: readonly string[];
  readonly blocks: Readonly<Record<string, AgentBlock>>;
}

/** An event the registry must emit, in order. */
export interface ArbiterEvent {
  readonly name: AgentEventName;
  readonly data: Record<string, unknown>;
}

/** What the arbiter decided. */
export interface ArbiterOutcome {
  readonly state: AgentState;
  /** True when the state or any block changed. */
  readonly applied: boolean;
  readonly events: readonly ArbiterEvent[];
  /** Set when refused. */
  readonly code?: string;
  readonly message?: string;
}

/** The request as the arbiter sees it (validated by the caller). */
export interface ArbiterRequest {
  readonly request: AgentRequestKind;
  readonly source: string;
  readonly reasonCode?: string;
  readonly workMode?: WorkMode;
  readonly force?: boolean;
  readonly releasableBy?: readonly string[];
  /** Ready only: withdraw the requester's own NotReady even when the Ready is refused. */
  readonly withdrawOwnNotReady?: boolean;
}

/** A fresh agent: logged out, no blocks. */
export function initialAgentState(dn: string, now: string): AgentState {
  return { dn, base: "LoggedOut", since: now, calls: [], blocks: {} };
}

/** The snapshot the API and plugins see. */
export function toSnapshot(state: AgentState): AgentSnapshot {
  return {
    dn: state.dn,
    state: state.calls.length > 0 ? "Busy" : state.base,
    baseState: state.base,
    since: state.since,
    calls: [...state.calls],
    ...(state.reasonCode === undefined ? {} : { reasonCode: state.reasonCode }),
    ...(state.workMode === undefined ? {} : { workMode: state.workMode }),
    ...(state.setBy === undefined ? {} : { setBy: state.setBy }),
  };
}

/** Applies one request. Never throws for a refusal: the outcome carries the code. */
export function decide(state: AgentState, req: ArbiterRequest, now: string): ArbiterOutcome {
  const blocks = req.force ? {} : { ...state.blocks };
  const start: AgentState = { ...state, blocks };
  switch (req.request) {
    case "Logout":
      return logout(state, start, req, now);
    case "Login":
      return login(state, start, req, now);
    case "NotReady":
      return notReady(state, start, req, now);
    case "Ready":
      return ready(state, start, req, now);
  }
}

function logout(before: AgentState, s: AgentState, req: ArbiterRequest, now: string): ArbiterOutcome {
  // Logout clears every other block: the requester's Logout is now the only thing that holds the agent.
  const next = withBase({ ...s, blocks: { [req.source]: { kind: "Logout" } } }, "LoggedOut", undefined, undefined, req, now);
  const events: ArbiterEvent[] = before.base === "LoggedOut" ? [] : [event("EventAgentLogout", next, before)];
  return finish(before, next, events);
}

function login(before: AgentState, s: AgentState, req: ArbiterRequest, now: string): ArbiterOutcome {
  const blocks = withoutSource(s.blocks, req.source);
  const holder = otherHolder(blocks, req.source, "Logout");
  if (holder) return refuse(before, priorityError(req, holder, before.dn, blocks[holder]));
  if (before.base !== "LoggedOut") return finish(before, { ...s, blocks }, []);
  const target: BaseState = req.workMode === "AutoIn" ? "Ready" : "NotReady";
  const next = withBase({ ...s, blocks }, target, target === "NotReady" ? req.reasonCode : undefined, req.workMode, req, now);
  const second = target === "Ready" ? "EventAgentReady" : "EventAgentNotReady";
  return finish(before, next, [event("EventAgentLogin", next, before), event(second, next, before)]);
}

function notReady(before: AgentState, s: AgentState, req: ArbiterRequest, now: string): ArbiterOutcome {
  if (before.base === "LoggedOut") return refuse(before, RegistryErrors.notLoggedIn("NotReady", before.dn));
  const block: AgentBlock = {
    kind: "NotReady",
    ...opt("reasonCode", req.reasonCode),
    ...opt("workMode", req.workMode),
    ...opt("releasableBy", req.releasableBy && req.releasableBy.length > 0 ? [...req.releasableBy] : undefined),
  };
  const next = withBase({ ...s, blocks: { ...s.blocks, [req.source]: block } }, "NotReady", req.reasonCode, req.workMode, req, now);
  const same = before.base === "NotReady" && before.reasonCode === req.reasonCode && before.workMode === req.workMode;
  return finish(before, next, same ? [] : [event("EventAgentNotReady", next, before)]);
}

function ready(before: AgentState, s: AgentState, req: ArbiterRequest, now: string): ArbiterOutcome {
  if (before.base === "LoggedOut") return refuse(before, RegistryErrors.notLoggedIn("Ready", before.dn));
  const blocks: Record<string, AgentBlock> = {};
  for (const [source, block] of Object.entries(withoutSource(s.blocks, req.source))) {
    if (!block.afterCall && !block.releasableBy?.includes(req.source)) blocks[source] = block;
  }
  const holder = otherHolder(blocks, req.source, "NotReady");
  if (holder) {
    const err = priorityError(req, holder, before.dn, blocks[holder]);
    return req.withdrawOwnNotReady ? withdrawOwn(before, req, err, now) : refuse(before, err);
  }
  const next = withBase({ ...s, blocks }, "Ready", undefined, req.workMode, req, now);
  const same = before.base === "Ready" && before.workMode === req.workMode;
  return finish(before, next, same ? [] : [event("EventAgentReady", next, before)]);
}

/**
 * A refused Ready with `withdrawOwnNotReady`: only the requester's own NotReady goes. When it was the NotReady in
 * effect, the agent shows the NotReady another source still holds (the last one set), with that source as
 * `setBy`; the outcome stays a refusal (the agent is not Ready) that changed the state.
 */
function withdrawOwn(before: AgentState, req: ArbiterRequest, err: { code: string; message: string }, now: string): ArbiterOutcome {
  const own = before.blocks[req.source];
  if (own?.kind !== "NotReady") return refuse(before, err);
  const blocks = withoutSource(before.blocks, req.source);
  let next: AgentState = { ...before, blocks };
  let events: ArbiterEvent[] = [];
  if (before.setBy === req.source) {
    const [holder, block] = Object.entries(blocks).filter(([, b]) => b.kind === "NotReady").at(-1) ?? [];
    if (holder !== undefined && block !== undefined) {
      next = withBase(next, "NotReady", block.reasonCode, block.workMode, { request: "NotReady", source: holder }, now);
      const same = before.reasonCode === next.reasonCode && before.workMode === next.workMode;
      events = same ? [] : [event("EventAgentNotReady", next, before)];
    }
  }
  return { state: next, applied: !sameState(before, next), events, code: err.code, message: err.message };
}

/** After-call work from the call model: a NotReady block that any Ready clears. */
export function afterCallWork(state: AgentState, source: string, reasonCode: string | undefined, now: string): ArbiterOutcome {
  if (state.base === "LoggedOut") return finish(state, state, []);
  const block: AgentBlock = { kind: "NotReady", workMode: "AfterCallWork", afterCall: true, ...opt("reasonCode", reasonCode) };
  const req: ArbiterRequest = { request: "NotReady", source, workMode: "AfterCallWork", ...opt("reasonCode", reasonCode) };
  const next = withBase({ ...state, blocks: { ...state.blocks, [source]: block } }, "NotReady", reasonCode, "AfterCallWork", req, now);
  return finish(state, next, [event("EventAgentNotReady", next, state)]);
}

/** Marks a call attached (idempotent); `since` moves when the visible state becomes Busy. */
export function attach(state: AgentState, connId: string, now: string): AgentState {
  if (state.calls.includes(connId)) return state;
  return { ...state, calls: [...state.calls, connId], since: state.calls.length === 0 ? now : state.since };
}

/** Removes a call; `since` moves when the agent leaves Busy. */
export function detach(state: AgentState, connId: string, now: string): AgentState {
  if (!state.calls.includes(connId)) return state;
  const calls = state.calls.filter((c) => c !== connId);
  return { ...state, calls, since: calls.length === 0 ? now : state.since };
}

function withBase(
  s: AgentState,
  base: BaseState,
  reasonCode: string | undefined,
  workMode: WorkMode | undefined,
  req: ArbiterRequest,
  now: string,
): AgentState {
  const visibleChanged = s.calls.length === 0 && (s.base !== base || s.reasonCode !== reasonCode || s.workMode !== workMode);
  const next: AgentState = {
    dn: s.dn,
    base,
    since: visibleChanged ? now : s.since,
    setBy: req.source,
    calls: s.calls,
    blocks: s.blocks,
    ...opt("reasonCode", reasonCode),
    ...opt("workMode", workMode),
  };
  return next;
}

function event(name: AgentEventName, next: AgentState, before: AgentState): ArbiterEvent {
  const snap = toSnapshot(next);
  return {
    name,
    data: {
      state: snap.state,
      baseState: next.base,
      previousState: before.base,
      ...opt("reasonCode", next.reasonCode),
      ...opt("workMode", next.workMode),
    },
  };
}

function finish(before: AgentState, next: AgentState, events: ArbiterEvent[]): ArbiterOutcome {
  return { state: next, applied: events.length > 0 || !sameState(before, next), events };
}

/** A refusal changes nothing. */
function refuse(next: AgentState, err: { code: string; message: string }): ArbiterOutcome {
  return { state: next, applied: false, events: [], code: err.code, message: err.message };
}

function priorityError(req: ArbiterRequest, holder: string, dn: string, block: AgentBlock | undefined) {
  const held = block?.kind === "NotReady" ? `NotReady${block.reasonCode ? ` (${block.reasonCode})` : ""}` : "Logout";
  return RegistryErrors.priority(req.request, req.source, holder, dn, held);
}

function otherHolder(blocks: Readonly<Record<string, AgentBlock>>, source: string, kind: AgentBlock["kind"]): string | undefined {
  return Object.keys(blocks).find((k) => k !== source && blocks[k]?.kind === kind);
}

function withoutSource(blocks: Readonly<Record<string, AgentBlock>>, source: string): Record<string, AgentBlock> {
  const rest = { ...blocks };
  delete rest[source];
  return rest;
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Structural equality of two states (blocks compared by content). */
export function sameState(a: AgentState, b: AgentState): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(s: AgentState): unknown {
  const blocks = Object.keys(s.blocks)
    .sort()
    .map((k) => [k, s.blocks[k]]);
  return [s.base, s.reasonCode, s.workMode, s.since, s.setBy, s.calls, blocks];
}
