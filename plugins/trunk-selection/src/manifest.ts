/**
 * The trunk-selection plugin's manifest: its config schema (defaults applied by the host) and the DN options
 * it owns (`oos-check`, `oos-force`, `trunks`, `strategy`, `hold-down`, `trunk-group`); it also reads the
 * core's `contact`, `contact-backup` and `transport`.
 * Defaults: any reply to OPTIONS is alive except 503/408, transport errors take a trunk out,
 * and setup failover happens on time-out, 503 and transport errors, never on 486/600/603/487.
 */
import { dnOption, dnOptionSchemas, type PluginManifest } from "@tandem/sdk";

/** How a trunk group spreads calls over its members. */
export type StrategyName = "round-robin" | "primary-backup";

/** A destination rule: calls whose destination matches `pattern` (a regular expression) use `group`. */
export interface DestinationRoute {
  pattern: string;
  group: string;
}

/** `plugins.trunk-selection` after validation and defaults. */
export interface TrunkSelectionConfig {
  /** Strategy of the implicit group (every Trunk DN, by number) and of TrunkGroup DNs that name none. */
  strategy: StrategyName;
  /** TrunkGroup DN used when no Routing Point option or destination rule applies; default the implicit group. */
  defaultGroup?: string;
  /** Destination rules, first match wins (checked after the Routing Point's `trunk-group` option). */
  routes: DestinationRoute[];
  /** primary-backup: seconds a recovered trunk must stay in service before traffic returns to it. */
  holdDownSeconds: number;
  /** Consecutive good OPTIONS answers that bring an out-of-service endpoint back. */
  upAfter: number;
  /** OPTIONS answers that mean out of service at once (any other reply counts as alive). */
  oosCodes: number[];
  /** A transport error on OPTIONS takes the endpoint out of service at once. */
  oosOnTransportError: boolean;
  /**
   * INVITE failures on a trunk (before any provisional response) retried on the next trunk within the same call;
   * a time-out counts as 408 and a transport error as 503. 486, 487, 600 and 603 are refused by the schema.
   */
  failoverCodes: number[];
  /**
   * No response or a transport error on an INVITE also counts against the endpoint: a probed one goes out of service
   * at once until OPTIONS bring it back; one nobody probes after `failuresBeforeOos` in a row, for `failureHoldDownSeconds`.
   */
  oosOnCallFailure: boolean;
  /** Unprobed endpoints (`oos-check` 0): INVITE failures in a row (no response, transport error) that take one out of service. */
  failuresBeforeOos: number;
  /** Unprobed endpoints: seconds one stays out of service after those failures before it is tried again. */
  failureHoldDownSeconds: number;
  /** Defaults for Trunk DNs without `oos-check` / `oos-force` (seconds; `oos-check` 0 = no probing). */
  oosCheck: number;
  oosForce: number;
}

/** Codes that are never retried on another trunk whatever the config says (busy, declined, our own CANCEL). */
export const NEVER_FAILOVER: readonly number[] = [486, 487, 600, 603];

export const TRUNK_SELECTION_DEFAULTS: TrunkSelectionConfig = {
  strategy: "round-robin",
  routes: [],
  holdDownSeconds: 30,
  upAfter: 2,
  oosCodes: [503, 408],
  oosOnTransportError: true,
  failoverCodes: [408, 503],
  oosOnCallFailure: true,
  failuresBeforeOos: 2,
  failureHoldDownSeconds: 30,
  oosCheck: 10,
  oosForce: 30,
};

// Seconds may be fractions, like the plugin's own defaults (`oosCheck`, `oosForce`).
/** Trunk DN option: seconds between OPTIONS health checks, 0 = no probing (default `oosCheck`). */
export const DN_OPTION_OOS_CHECK = dnOption.seconds("oos-check", "Trunk: seconds between OPTIONS health checks (0 = off).");
/** Trunk DN option: seconds without an answer before the endpoint is out of service (default `oosForce`). */
export const DN_OPTION_OOS_FORCE = dnOption.seconds("oos-force", "Trunk: seconds without an answer before the DN is out of service.");
/** TrunkGroup DN option: member Trunk DNs, in priority order for primary-backup. */
export const DN_OPTION_TRUNKS = dnOption.list("trunks", "TrunkGroup: member Trunk DNs (priority order for primary-backup)");
/** TrunkGroup DN option: the group's strategy. */
export const DN_OPTION_STRATEGY = dnOption.oneOf<StrategyName>("strategy", ["round-robin", "primary-backup"], "TrunkGroup: how calls spread over the members");
/** TrunkGroup DN option: the group's hold-down in seconds. */
export const DN_OPTION_HOLD_DOWN = dnOption.seconds("hold-down", "TrunkGroup: seconds before traffic returns to a recovered primary");
/** RoutingPoint DN option: the TrunkGroup its outbound legs use. */
export const DN_OPTION_TRUNK_GROUP = dnOption.text("trunk-group", "RoutingPoint: TrunkGroup DN for its outbound legs");

const statusCode = { type: "integer", minimum: 100, maximum: 699 } as const;

export const manifest: PluginManifest = {
  name: "trunk-selection",
  version: "0.1.0",
  sdk: "^0.1.0",
  // Operators address trunks directly: GET /api/v1/trunks, besides the plugin's own prefix.
  apiPaths: ["/trunks"],
  description: "Picks the trunk of outbound legs (round-robin or primary/backup) and probes every trunk with SIP OPTIONS",
  configSchema: {
    type: "object",
    additionalProperties: false,
    properties: {
      strategy: { enum: ["round-robin", "primary-backup"], default: TRUNK_SELECTION_DEFAULTS.strategy },
      defaultGroup: { type: "string", minLength: 1, description: "TrunkGroup DN used when nothing else applies" },
      routes: {
        type: "array",
        default: [],
        description: "Destination rules, first match wins: { pattern (regular expression), group (TrunkGroup DN) }",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["pattern", "group"],
          properties: { pattern: { type: "string", minLength: 1 }, group: { type: "string", minLength: 1 } },
        },
      },
      holdDownSeconds: { type: "number", minimum: 0, default: TRUNK_SELECTION_DEFAULTS.holdDownSeconds },
      upAfter: { type: "integer", minimum: 1, maximum: 100, default: TRUNK_SELECTION_DEFAULTS.upAfter },
      oosCodes: { type: "array", items: statusCode, default: TRUNK_SELECTION_DEFAULTS.oosCodes },
      oosOnTransportError: { type: "boolean", default: TRUNK_SELECTION_DEFAULTS.oosOnTransportError },
      failoverCodes: {
        type: "array",
        // Busy, decline and our own CANCEL never fail over (the destination answered); listing them is a mistake.
        items: { ...statusCode, not: { enum: [...NEVER_FAILOVER] } },
        default: TRUNK_SELECTION_DEFAULTS.failoverCodes,
        description: "INVITE failures retried on the next trunk within the same call (a time-out counts as 408, a transport error as 503); never 486, 487, 600, 603",
      },
      oosOnCallFailure: { type: "boolean", default: TRUNK_SELECTION_DEFAULTS.oosOnCallFailure },
      failuresBeforeOos: {
        type: "integer",
        minimum: 1,
        default: TRUNK_SELECTION_DEFAULTS.failuresBeforeOos,
        description: "Unprobed trunks: INVITE failures in a row (no response, transport error) that take an endpoint out of service",
      },
      failureHoldDownSeconds: {
        type: "number",
        exclusiveMinimum: 0,
        default: TRUNK_SELECTION_DEFAULTS.failureHoldDownSeconds,
        description: "Unprobed trunks: seconds an endpoint taken out by call failures stays out before it is tried again",
      },
      oosCheck: { type: "number", minimum: 0, default: TRUNK_SELECTION_DEFAULTS.oosCheck, description: "Default oos-check, seconds" },
      oosForce: { type: "number", exclusiveMinimum: 0, default: TRUNK_SELECTION_DEFAULTS.oosForce, description: "Default oos-force, seconds" },
    },
  },
  dnOptions: dnOptionSchemas([DN_OPTION_OOS_CHECK, DN_OPTION_OOS_FORCE, DN_OPTION_TRUNKS, DN_OPTION_STRATEGY, DN_OPTION_HOLD_DOWN, DN_OPTION_TRUNK_GROUP]),
};

/** The config with defaults filled in (the host applies them; unit tests may not). */
export function withDefaults(config: Partial<TrunkSelectionConfig>): TrunkSelectionConfig {
  return { ...TRUNK_SELECTION_DEFAULTS, ...config };
}
