/**
 * JSON Schemas of the admin API: ajv validates requests with them, fast-json-stringify serialises responses with
 * them, and @fastify/swagger publishes them in the OpenAPI document. Open objects (DN options, event data) say
 * `additionalProperties: true` so the serialiser keeps their keys.
 */
import { DN_TYPES } from "@tandem/sdk";
import { AGENT_REQUEST_KINDS, WORK_MODES } from "../registry/agent-request.js";
import { DN_NUMBER_PATTERN } from "../registry/dn-schema.js";

const openObject = { type: "object", additionalProperties: true } as const;

/** Body of every error reply. */
export const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        details: { type: "array", items: {} },
      },
    },
  },
} as const;

/** Error replies a route may give, for the OpenAPI document and the serialiser. */
export function errors(...statuses: number[]): Record<number, typeof errorSchema> {
  return Object.fromEntries([401, ...statuses].map((s) => [s, errorSchema]));
}

export const dnNumberParam = {
  type: "object",
  required: ["number"],
  properties: { number: { type: "string", pattern: DN_NUMBER_PATTERN } },
} as const;

/** `/agents/:dn`: the same DN pattern as `/dns/:number`. */
export const agentDnParam = {
  type: "object",
  required: ["dn"],
  properties: { dn: { type: "string", pattern: DN_NUMBER_PATTERN } },
} as const;

export const dnSchema = {
  type: "object",
  required: ["number", "type", "options", "origin", "createdAt", "updatedAt"],
  properties: {
    number: { type: "string" },
    type: { type: "string", enum: DN_TYPES },
    options: openObject,
    origin: { type: "string", enum: ["config", "api"] },
    createdAt: { type: "string", format: "date-time" },
    updatedAt: { type: "string", format: "date-time" },
  },
} as const;

/**
 * A DN body's number, type and options are judged by the registry's DN validator (the one the config file's
 * `dns[]` goes through), not here, so both give the same coded errors; ajv here would also coerce a number
 * 1001 to "1001", which the file refuses.
 */
const dnNumberField = { description: `The DN: a string matching ${DN_NUMBER_PATTERN}` } as const;
const dnTypeField = { description: `One of ${DN_TYPES.join(", ")}` } as const;
const dnOptionsField = { ...openObject, description: "The core's and the enabled plugins' DN options (config.schema.json, dns[])" } as const;

export const dnCreateBody = {
  type: "object",
  required: ["number", "type"],
  additionalProperties: false,
  properties: { number: dnNumberField, type: dnTypeField, options: dnOptionsField },
} as const;

export const dnReplaceBody = {
  type: "object",
  required: ["type"],
  additionalProperties: false,
  properties: { type: dnTypeField, options: dnOptionsField },
} as const;

export const agentSchema = {
  type: "object",
  required: ["dn", "state", "baseState", "since", "calls"],
  properties: {
    dn: { type: "string" },
    state: { type: "string", enum: ["LoggedOut", "NotReady", "Ready", "Busy"] },
    baseState: { type: "string", enum: ["LoggedOut", "NotReady", "Ready"] },
    reasonCode: { type: "string" },
    workMode: { type: "string", enum: WORK_MODES },
    since: { type: "string", format: "date-time" },
    calls: { type: "array", items: { type: "string" } },
    setBy: { type: "string" },
  },
} as const;

export const agentRequestBody = {
  type: "object",
  required: ["request"],
  additionalProperties: false,
  properties: {
    request: { type: "string", enum: AGENT_REQUEST_KINDS },
    reasonCode: { type: "string", minLength: 1, maxLength: 128 },
    workMode: { type: "string", enum: WORK_MODES },
    referenceId: { type: "string", minLength: 1, maxLength: 128 },
    force: { type: "boolean", description: "clear every interface's NotReady/Logout hold before applying" },
  },
} as const;

export const eventSchema = {
  type: "object",
  required: ["seq", "ts", "name", "data"],
  properties: {
    seq: { type: "integer" },
    ts: { type: "string", format: "date-time" },
    name: { type: "string" },
    dn: { type: "string" },
    connId: { type: "string" },
    source: { type: "string" },
    referenceId: { type: "string" },
    data: openObject,
  },
} as const;

export const agentResultSchema = {
  type: "object",
  required: ["applied", "snapshot", "events"],
  properties: { applied: { type: "boolean" }, snapshot: agentSchema, events: { type: "array", items: eventSchema } },
} as const;

export const pluginSchema = {
  type: "object",
  required: ["id", "version", "status"],
  properties: {
    id: { type: "string" },
    version: { type: "string" },
    status: { type: "string", enum: ["registered", "ready", "failed", "closed"] },
    description: { type: "string" },
  },
} as const;

export const healthSchema = {
  type: "object",
  required: ["status"],
  additionalProperties: true,
  properties: {
    status: { type: "string" },
    uptimeSeconds: { type: "number" },
    version: { type: "string" },
    counts: { type: "object", additionalProperties: { type: "number" } },
  },
} as const;
