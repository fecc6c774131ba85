/** The supervision plugin's manifest and config schema (defaults applied by the host). */
import type { MonitorMode, MonitorScope, PluginManifest } from "@tandem/sdk";

/** Which supervisors may monitor which agents, or the agents on calls routed through which queues. */
export interface SupervisionTeam {
  name: string;
  /** Supervisor DNs of the team. */
  supervisors: string[];
  /** Agent DNs they may monitor. */
  agents: string[];
  /** Queues (routing point DNs): any agent's call routed through one of them may be monitored. */
  queues: string[];
}

/** `plugins.supervision` after validation and defaults. */
export interface SupervisionConfig {
  teams: SupervisionTeam[];
  /** Mode when a request names none (Genesys `default-monitor-mode`). */
  defaultMode: MonitorMode;
  /** Scope when a request names none (Genesys `default-monitor-scope`). */
  defaultScope: MonitorScope;
  /** Join the agent's call in progress instead of waiting for the next one (Genesys `intrusion-enabled`). */
  intrusionEnabled: boolean;
  /** Supervisors that may monitor one agent at once. */
  maxSupervisorsPerAgent: number;
  /** How long the supervisor's phone rings before the join is given up, ms. */
  ringTimeoutMs: number;
}

export const SUPERVISION_DEFAULTS: SupervisionConfig = {
  teams: [],
  defaultMode: "mute",
  defaultScope: "call",
  intrusionEnabled: true,
  maxSupervisorsPerAgent: 1,
  ringTimeoutMs: 30_000,
};

const dnList = { type: "array", items: { type: "string", minLength: 1 }, uniqueItems: true, default: [] };

export const manifest: PluginManifest = {
  name: "supervision",
  version: "0.1.0",
  sdk: "^0.1.0",
  description: "Supervision: monitor an agent's next call (or the call in progress) in mute, coach or connect mode",
  dependsOn: ["media"],
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      teams: {
        type: "array",
        default: [],
        description: "Which supervisor DNs may monitor which agent DNs, or the agents on calls routed through which queues",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["name", "supervisors"],
          properties: {
            name: { type: "string", minLength: 1, maxLength: 64 },
            supervisors: { ...dnList, description: "Supervisor DNs of the team" },
            agents: { ...dnList, description: "Agent DNs the team's supervisors may monitor" },
            queues: { ...dnList, description: "Routing point / queue DNs: an agent's call routed through one may be monitored" },
          },
        },
      },
      defaultMode: { enum: ["mute", "coach", "connect"], default: SUPERVISION_DEFAULTS.defaultMode, description: "Mode when RequestMonitorNextCall names none" },
      defaultScope: { enum: ["call", "agent"], default: SUPERVISION_DEFAULTS.defaultScope, description: "call: the supervisor stays until the call ends; agent: leaves with the agent" },
      intrusionEnabled: { type: "boolean", default: SUPERVISION_DEFAULTS.intrusionEnabled, description: "Join the agent's call in progress rather than wait for the next one" },
      maxSupervisorsPerAgent: { type: "integer", minimum: 1, maximum: 10, default: SUPERVISION_DEFAULTS.maxSupervisorsPerAgent, description: "Supervisors that may monitor one agent at once" },
      ringTimeoutMs: { type: "integer", minimum: 1000, maximum: 600000, default: SUPERVISION_DEFAULTS.ringTimeoutMs, description: "How long the supervisor's phone rings, ms" },
    },
  },
};

/** The config with defaults for anything missing (a host applies them already; tests may not). */
export function withDefaults(config: Partial<SupervisionConfig> | undefined): SupervisionConfig {
  const merged = { ...SUPERVISION_DEFAULTS, ...(config ?? {}) };
  return { ...merged, teams: merged.teams.map((t) => ({ ...t, agents: t.agents ?? [], queues: t.queues ?? [] })) };
}
