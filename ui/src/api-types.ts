/** The shapes of the admin API the dashboard reads (see the OpenAPI document at /docs). */

export interface Agent {
  dn: string;
  state: "LoggedOut" | "NotReady" | "Ready" | "Busy";
  baseState: string;
  reasonCode?: string;
  workMode?: string;
  since: string;
  calls: string[];
  setBy?: string;
}

export interface Queue {
  name: string;
  waiting: number;
  readyAgents: number;
  oldestWaitMs?: number;
}

export interface TrunkEndpoint {
  uri: string;
  state: string;
  lastProbe: { at: string | null; result: string; status: number | null; latencyMs: number | null } | null;
}

export interface Trunk {
  number: string;
  state: string;
  inServiceSince: string | null;
  activeEndpoint: string | null;
  callsInProgress: number;
  endpoints: TrunkEndpoint[];
}

export interface Party {
  role: string;
  dn: string;
  since: string;
  until?: string;
}

export interface ActiveCall {
  connId: string;
  state: string;
  ani?: string;
  dnis: string;
  entryDn: string;
  agentDn?: string;
  queue?: string;
  startedAt: string;
  answeredAt?: string;
  parties: Party[];
}

export interface CallRecord extends ActiveCall {
  outcome?: string;
  endedAt?: string;
  queueWaitMs?: number;
  releasedBy?: string;
  rejectStatus?: number;
}

export interface PluginStatus {
  id: string;
  version: string;
  status: string;
  description?: string;
}

export interface TandemEvent {
  seq: number;
  ts: string;
  name: string;
  dn?: string;
  connId?: string;
  source?: string;
  data: Record<string, unknown>;
}

export interface TracedMessage {
  at: string;
  atMs: number;
  direction: "in" | "out";
  sipCallId: string;
  peer: string;
  label: string;
  method: string;
  status?: number;
  text: string;
}

export interface CallTrace {
  connId: string;
  traceEnabled: boolean;
  call: CallRecord;
  legs: Array<{ role: string; dn?: string; sipCallId: string; direction: string; status?: number }>;
  messages: TracedMessage[];
  droppedMessages: number;
  events: TandemEvent[];
}

export interface Health {
  status: string;
  uptimeSeconds: number;
  version: string;
  counts?: Record<string, number>;
}

/** A recording of the recording plugin (`GET /api/v1/plugins/recording/recordings`). */
export interface Recording {
  id: string;
  connId: string;
  status: "recording" | "complete" | "failed";
  trigger: string;
  file: string;
  ani: string | null;
  dnis: string | null;
  agentDn: string | null;
  parties: Array<{ dn: string; role: string; from: string; to?: string }>;
  startedAt: string;
  endedAt: string | null;
  pauses: Array<{ from: string; to?: string }>;
  sizeBytes: number | null;
  sha256: string | null;
  durationMs: number | null;
  pausedMs: number | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export type MonitorMode = "mute" | "coach" | "connect";

/** A monitoring of the supervision plugin (`GET /api/v1/plugins/supervision/monitorings`). */
export interface Monitoring {
  supervisorDn: string;
  agentDn: string;
  monitorType: "one-call" | "all-calls";
  scope: "call" | "agent";
  mode: MonitorMode;
  state: "waiting" | "active";
  connId?: string;
  since: string;
}
