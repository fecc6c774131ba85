/**
 * The wire protocol's TypeScript shapes; `schemas/requests.schema.json` and `schemas/events.schema.json`
 * are the published contract and are what ajv checks at run time. Names follow T-Library.
 */
import type { AgentSnapshot, CallUserData, MonitorMode, MonitorScope, MonitorType, MonitoringInfo, TandemEvent, WorkMode } from "@tandem/sdk";

export const AGENT_REQUESTS = ["RequestAgentLogin", "RequestAgentLogout", "RequestAgentReady", "RequestAgentNotReady"] as const;
export const CALL_REQUESTS = [
  "RequestMakeCall",
  "RequestReleaseCall",
  "RequestHoldCall",
  "RequestRetrieveCall",
  "RequestSingleStepTransfer",
  "RequestInitiateTransfer",
  "RequestCompleteTransfer",
  "RequestAlternateCall",
  "RequestReconnectCall",
  "RequestAttachUserData",
  "RequestUpdateUserData",
  "RequestSendDTMF",
] as const;
/** Conference requests: carried out by whichever plugin provides `conferencing.control` (conference-requests.ts). */
export const CONFERENCE_REQUESTS = [
  "RequestInitiateConference",
  "RequestCompleteConference",
  "RequestDeleteFromConference",
  "RequestSingleStepConference",
  "RequestMergeCalls",
] as const;
/** Supervision requests: carried out by whichever plugin provides `supervision.control` (supervision-requests.ts). */
export const SUPERVISION_REQUESTS = [
  "RequestMonitorNextCall",
  "RequestCancelMonitoring",
  "RequestSetMuteOn",
  "RequestSetMuteOff",
] as const;

export type AgentRequestName = (typeof AGENT_REQUESTS)[number];
export type CallRequestName = (typeof CALL_REQUESTS)[number];
export type ConferenceRequestName = (typeof CONFERENCE_REQUESTS)[number];
export type SupervisionRequestName = (typeof SUPERVISION_REQUESTS)[number];

/** Every field a request may carry; which ones a given request needs is the schema's business. */
export interface DesktopRequest {
  request: string;
  referenceId: string;
  dn?: string;
  after?: number;
  connId?: string;
  heldConnId?: string;
  destination?: string;
  reasonCode?: string;
  workMode?: WorkMode;
  userData?: CallUserData;
  digits?: string;
  /** The party RequestDeleteFromConference drops; the agent RequestMonitorNextCall monitors. */
  otherDn?: string;
  /** RequestMonitorNextCall: the agent's next call only, or every call. */
  monitorType?: MonitorType;
  /** RequestMonitorNextCall's mode; RequestSetMuteOn/Off with `coach` switch to coach. */
  monitorMode?: MonitorMode;
  /** RequestMonitorNextCall: leave with the call or with the agent. */
  monitorScope?: MonitorScope;
}

/** A request whose DN the schema made mandatory. */
export type DnRequest = DesktopRequest & { dn: string };

/**
 * How every message names its event. `name` is the one name of that field on every Tandem interface (the SDK's
 * `TandemEvent`, the event log, the admin API's `/events` and its stream). `event` carries the same value for
 * desktops written before: deprecated, to be dropped in the next version of the protocol.
 */
export interface Named<E extends string = string> {
  name: E;
  /** @deprecated the same as `name`. */
  event: E;
}

/** `{ name, event }` for a message literal. */
export function named<E extends string>(name: E): Named<E> {
  return { name, event: name };
}

/** Messages the server sends that are answers to one session, not log entries (no `seq`). */
export type SessionMessage =
  | (Named<"EventServerConnected"> & { principal: string; lastSeq: number; dns: string[]; supervisor: boolean; after?: number })
  | (Named<"EventRegistered"> & { referenceId: string; dn: string; type?: string; agent?: AgentSnapshot; lastSeq: number; replayed: number })
  | (Named<"EventUnregistered"> & { referenceId: string; dn: string })
  | (Named<"EventACK"> & { referenceId: string; request: string; dn?: string; connId?: string; agent?: AgentSnapshot; monitoring?: MonitoringInfo })
  | (Named<"EventError"> & { referenceId?: string; request?: string; dn?: string; code: string; message: string });

/** A platform event as the client sees it. */
export interface WireEvent extends Named {
  seq: number;
  ts: string;
  dn?: string;
  connId?: string;
  source?: string;
  referenceId?: string;
  data: Record<string, unknown>;
}

export type OutgoingMessage = SessionMessage | WireEvent;

/** A bus event in wire form. */
export function toWire(event: TandemEvent): WireEvent {
  const { name, seq, ts, dn, connId, source, referenceId, data } = event;
  return {
    ...named(name),
    seq,
    ts,
    ...(dn === undefined ? {} : { dn }),
    ...(connId === undefined ? {} : { connId }),
    ...(source === undefined ? {} : { source }),
    ...(referenceId === undefined ? {} : { referenceId }),
    data,
  };
}

/** An EventError from any thrown value: coded errors keep their code, anything else is a call-control failure. */
export function errorMessage(
  err: { code: string; message: string },
  request?: { request?: unknown; referenceId?: unknown; dn?: unknown },
): SessionMessage {
  const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
  const referenceId = str(request?.referenceId);
  const name = str(request?.request);
  const dn = str(request?.dn);
  return {
    ...named("EventError"),
    ...(referenceId === undefined ? {} : { referenceId }),
    ...(name === undefined ? {} : { request: name }),
    ...(dn === undefined ? {} : { dn }),
    code: err.code,
    message: err.message,
  };
}
