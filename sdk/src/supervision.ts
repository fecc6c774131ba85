/**
 * Supervision (T-Library RequestMonitorNextCall, RequestCancelMonitoring, RequestSetMuteOn / RequestSetMuteOff):
 * a supervisor's phone joins an agent's call in a mode that says who hears whom. The `supervision` plugin
 * provides {@link SupervisionControl} on {@link SUPERVISION_CONTROL}; the desktop plugin and tools call it.
 *
 * Modes (domain.md §1.5, Genesys `MonitorMode`): `mute` — the supervisor hears the customer and the agent and
 * nobody hears the supervisor; `coach` — only the agent hears the supervisor (a whisper); `connect` — everyone
 * hears everyone (barge-in).
 */
import { defineExtensionPoint } from "./extension-points.js";

/** How the supervisor takes part. */
export type MonitorMode = "mute" | "coach" | "connect";

/** `call`: the supervisor stays until the call ends; `agent`: the supervisor leaves when the agent leaves the call. */
export type MonitorScope = "call" | "agent";

/** `one-call`: the agent's next call only; `all-calls`: every call of the agent until cancelled. */
export type MonitorType = "one-call" | "all-calls";

/** Who asks: what the asking interface knows of its caller, checked by the supervision plugin. */
export interface SupervisionRequester {
  /** The interface that asks (`desktop`, `admin`); recorded on the events as `source`. */
  readonly source: string;
  /** The desktop token's name, or the admin token's; for logs. */
  readonly principal?: string;
  /**
   * Whether the caller may supervise at all: a desktop token marked `supervisor: true`, or an admin token (a
   * tool acting for a supervisor). A request with `false` is refused whatever else it says.
   */
  readonly supervisor: boolean;
}

/** What every supervision request names. */
export interface SupervisionRequestBase {
  /** The supervisor's DN (T-Library `ThisDN`), whose phone is rung. */
  dn: string;
  /** Echoed on every event the request causes. */
  referenceId: string;
  requester: SupervisionRequester;
}

/** RequestMonitorNextCall. */
export interface MonitorNextCallRequest extends SupervisionRequestBase {
  /** The agent DN to monitor (T-Library `OtherDN`). */
  agentDn: string;
  /** Default `one-call`. */
  monitorType?: MonitorType;
  /** Default: the plugin's `defaultMode`. */
  mode?: MonitorMode;
  /** Default: the plugin's `defaultScope`. */
  scope?: MonitorScope;
}

/** RequestSetMuteOn / RequestSetMuteOff: `mode` refines the switch (Genesys `MonitorMode=coach`). */
export interface SetMuteRequest extends SupervisionRequestBase {
  mode?: "coach";
}

/** A monitoring as the plugin keeps it. */
export interface MonitoringInfo {
  readonly supervisorDn: string;
  readonly agentDn: string;
  readonly monitorType: MonitorType;
  readonly scope: MonitorScope;
  readonly mode: MonitorMode;
  /** `waiting`: for the agent's next call; `active`: the supervisor is on call {@link connId} (or being rung for it). */
  readonly state: "waiting" | "active";
  readonly connId?: string;
  readonly since: string;
}

/** The supervision requests; each resolves once accepted, or rejects with a coded `TandemError`. */
export interface SupervisionControl {
  /**
   * Starts monitoring `agentDn`: joins the agent's call now when it has one and intrusion is allowed, else
   * waits for the agent's next call.
   */
  monitorNextCall(request: MonitorNextCallRequest): Promise<MonitoringInfo>;
  /** RequestCancelMonitoring: the supervisor's monitoring ends (it leaves the call it is on). */
  cancelMonitoring(request: SupervisionRequestBase): Promise<void>;
  /** RequestSetMuteOn: to `mute`, or with `mode: "coach"` from `connect` to `coach`. */
  setMuteOn(request: SetMuteRequest): Promise<MonitoringInfo>;
  /** RequestSetMuteOff: to `connect`, or with `mode: "coach"` from `mute` to `coach`. */
  setMuteOff(request: SetMuteRequest): Promise<MonitoringInfo>;
  /** Every monitoring now. */
  list(): readonly MonitoringInfo[];
}

/** Where the desktop (or a tool) finds {@link SupervisionControl}; provided by the `supervision` plugin. */
export const SUPERVISION_CONTROL = defineExtensionPoint<SupervisionControl>("supervision.control");

/** The name under which the `supervision` plugin provides {@link SUPERVISION_CONTROL}. */
export const DEFAULT_SUPERVISION_CONTROL = "supervision";

/** `privateEventId` of the EventPrivateInfo that reports a mode switch (as Genesys SIP Server does). */
export const MONITOR_MODE_PRIVATE_EVENT = 4024;
