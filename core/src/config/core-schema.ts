/**
 * The JSON Schema of the core's own config sections. Plugin sections and the DN schema (`registry/dn-schema.ts`,
 * with the plugins' DN options) are merged in by `build-schema.ts`. Every key is documented so editors can
 * autocomplete from `config.schema.json`.
 */
import type { JsonSchema } from "@tandem/sdk";
import { ADMIN_LIMITS_SCHEMA } from "../admin/admin-limits.js";
import { SHUTDOWN_CONFIG_SCHEMA } from "../shutdown-config.js";
import { ADMISSION_CONFIG_SCHEMA } from "../calls/admission-config.js";
import { CALLS_CONFIG_SCHEMA } from "../calls/calls-config.js";
import { SIP_CONNECTIONS_SCHEMA } from "../sip/stack/connection-limits.js";
import { SIP_TRACE_CONFIG_SCHEMA } from "../sip-trace/sip-trace-config.js";

const port = (description: string, fallback?: number): JsonSchema => ({
  type: "integer",
  minimum: 0,
  maximum: 65535,
  description,
  ...(fallback === undefined ? {} : { default: fallback }),
});

const listenEntry: JsonSchema = {
  type: "object",
  description: "One SIP listener.",
  properties: {
    transport: { enum: ["udp", "tcp", "tls"], description: "Transport of this listener." },
    host: { type: "string", minLength: 1, description: "Address to bind, e.g. 127.0.0.1." },
    port: port("Port to bind; 0 picks a free port."),
    cert: { type: "string", minLength: 1, description: "TLS only: PEM certificate path (relative to the config file)." },
    key: { type: "string", minLength: 1, description: "TLS only: PEM private key path (relative to the config file)." },
    ca: { type: "string", minLength: 1, description: "TLS only: PEM CA bundle path (relative to the config file)." },
  },
  required: ["transport", "host", "port"],
  additionalProperties: false,
  if: { properties: { transport: { const: "tls" } }, required: ["transport"] },
  then: { required: ["cert", "key"] },
};

const sip: JsonSchema = {
  type: "object",
  description: "The SIP stack.",
  default: {},
  properties: {
    listen: {
      type: "array",
      items: listenEntry,
      minItems: 1,
      default: [
        { transport: "udp", host: "127.0.0.1", port: 5060 },
        { transport: "tcp", host: "127.0.0.1", port: 5060 },
      ],
      description: "Listeners: { transport: udp|tcp|tls, host, port }.",
    },
    trustedPeers: {
      type: "array",
      items: { type: "string", pattern: "^[0-9A-Fa-f:.]+/[0-9]{1,3}$", description: "A CIDR, e.g. 10.0.0.0/8." },
      default: ["127.0.0.0/8", "::1/128"],
      description: "CIDRs whose requests are accepted; an empty list accepts everyone.",
    },
    timers: {
      type: "object",
      description: "RFC 3261 §17 timer bases in ms.",
      default: {},
      properties: {
        t1: { type: "integer", minimum: 1, default: 500, description: "RTT estimate (T1)." },
        t2: { type: "integer", minimum: 1, default: 4000, description: "Max retransmit interval (T2)." },
        t4: { type: "integer", minimum: 1, default: 5000, description: "Max time a message stays in the network (T4)." },
      },
      additionalProperties: false,
    },
    // 256: sip.js copies and scans every live server transaction of a shard per new INVITE (RFC 3261 §8.2.2.2
    // merged requests), and an accepted INVITE and a BYE's transaction each live 32 s (Timers L, J): at 1,000 calls/s
    // that is 1,000 per scan with 64 shards, 250 with 256. A shard costs about 2.4 KB whether used or not.
    shards: { type: "integer", minimum: 1, maximum: 4096, default: 256, description: "sip.js core shards (by Call-ID)." },
    udpThread: {
      type: "boolean",
      default: true,
      description: "Each UDP listener's socket served by a thread of its own, so sending and receiving datagrams runs on another core than SIP processing (false: in the SIP thread).",
    },
    udpMtu: { type: "integer", minimum: 576, maximum: 65507, default: 1300, description: "Largest UDP request before TCP (RFC 3261 §18.1.1)." },
    logMessages: { type: "boolean", default: false, description: "Log every SIP message at debug level." },
    advertisedHost: { type: "string", minLength: 1, description: "Host[:port] for Via/Contact when it differs from the listen address." },
    connections: SIP_CONNECTIONS_SCHEMA,
  },
  additionalProperties: false,
};

const admin: JsonSchema = {
  type: "object",
  description: "The admin HTTP API (/api/v1, Swagger UI at /docs).",
  properties: {
    host: { type: "string", minLength: 1, default: "127.0.0.1", description: "Address to bind." },
    port: port("Port to bind; 0 picks a free port.", 8080),
    tokens: {
      type: "array",
      minItems: 1,
      description: "Bearer tokens accepted by the API.",
      items: {
        type: "object",
        properties: {
          name: { type: "string", minLength: 1, description: "Who holds the token (shown in logs)." },
          token: { type: "string", minLength: 16, description: "The secret; at least 16 characters." },
        },
        required: ["name", "token"],
        additionalProperties: false,
      },
    },
    healthDetails: {
      type: "boolean",
      default: false,
      description: "Show version, uptime, listeners and counts on GET /api/v1/health without a token (otherwise only status).",
    },
    limits: ADMIN_LIMITS_SCHEMA,
  },
  required: ["tokens"],
  additionalProperties: false,
};

const storage: JsonSchema = {
  type: "object",
  description: "Where Tandem keeps its state.",
  default: {},
  properties: {
    path: { type: "string", minLength: 1, default: "./data/tandem.sqlite", description: "SQLite file (relative to the config file) or :memory:." },
    eventRetentionDays: { type: "number", exclusiveMinimum: 0, default: 7, description: "Days the event log keeps events." },
    eventFlushMs: { type: "integer", minimum: 1, maximum: 10000, default: 50, description: "How often the event log writes its batch." },
    writerThread: {
      type: "boolean",
      default: true,
      description: "Call and agent record writes made by a writer thread with its own connection, off the thread that handles SIP (false: on the main thread, one transaction per event-loop turn).",
    },
  },
  additionalProperties: false,
};

const log: JsonSchema = {
  type: "object",
  default: {},
  properties: {
    level: { enum: ["fatal", "error", "warn", "info", "debug", "trace", "silent"], default: "info", description: "Lowest level logged." },
  },
  additionalProperties: false,
};

/** The core sections; `dns` and `plugins` are filled in by `buildConfigSchema`. */
/** The call model's section (optional; defaults live beside the call model). */
const calls: JsonSchema = {
  ...CALLS_CONFIG_SCHEMA,
  default: {},
  description: "Contact-centre call model: ring time-out, after-call policy, routing guards, reconciliation.",
};

export const CORE_SECTIONS: Readonly<Record<string, JsonSchema>> = { sip, admin, storage, log, calls, admission: ADMISSION_CONFIG_SCHEMA, sipTrace: SIP_TRACE_CONFIG_SCHEMA, shutdown: SHUTDOWN_CONFIG_SCHEMA };
