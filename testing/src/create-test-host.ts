/**
 * The `TestHost`: a real server (in-memory SQLite, real bus and registry, real plugin host) whose
 * admin API is called in-process with `inject`, optional SIP on 127.0.0.1 ephemeral ports, and every
 * event recorded.
 */
import { randomBytes } from "node:crypto";
import type { EventBus, EventName, PluginDefinition, SipVerbs, TandemEvent } from "@tandem/sdk";
import { createServer, type CreateSipStack, type SipStack, type TandemServer } from "@tandem/core";
import { TestHostErrors } from "./errors.js";
import type { InjectResult, TestHost, TestHostOptions } from "./test-host.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars from `over` replace. */
function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/**
 * A stack with no sockets whose verbs throw `failure()`: for hosts started without `sip: true` (the error
 * says how to get a real one) and for other in-process servers that need no SIP (desktop tests).
 */
export function socketlessSipStack(failure: () => Error = () => TestHostErrors.noSip()): CreateSipStack {
  return (): SipStack => {
    const unavailable = (): never => {
      throw failure();
    };
    const verbs: SipVerbs = {
      localUri: (user) => `sip:${user ?? "tandem"}@127.0.0.1`,
      onInvite: () => () => undefined,
      invite: unavailable,
      bridge: unavailable,
      subscribe: unavailable,
      request: unavailable,
    };
    return {
      start: async () => [],
      stop: async () => undefined,
      verbs,
      stats: () => ({ messagesIn: 0, messagesOut: 0, parseErrors: 0, retransmissions: 0, transactions: 0, dialogs: 0 }),
    };
  };
}

const noSipStack = socketlessSipStack();

/** Records every event and resolves waiters on the next matching one. */
function eventRecorder(bus: EventBus): Pick<TestHost, "events" | "waitForEvent"> & { stop(): void } {
  const recorded: TandemEvent[] = [];
  const waiters = new Set<(event: TandemEvent) => void>();
  const stop = bus.on("*", (event) => {
    recorded.push(event);
    for (const waiter of [...waiters]) waiter(event);
  });
  return {
    stop,
    events: (name?: EventName) => (name === undefined ? [...recorded] : recorded.filter((e) => e.name === name)),
    waitForEvent: (name, predicate = () => true, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(TestHostErrors.waitTimeout(name, timeoutMs));
        }, timeoutMs);
        const waiter = (event: TandemEvent): void => {
          if (event.name !== name || !predicate(event)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(event);
        };
        waiters.add(waiter);
      }),
  };
}

/** `inject` with the admin token added unless the request brings its own `authorization`. */
function injector(server: TandemServer, token: string): TestHost["inject"] {
  return async (request) => {
    const headers = { authorization: `Bearer ${token}`, ...request.headers };
    const payload = request.payload === undefined ? {} : { payload: request.payload as string | object };
    const res = await server.admin.inject({ method: request.method as "GET", url: request.url, headers, ...payload });
    const resHeaders: Record<string, string | string[] | undefined> = {};
    for (const [k, v] of Object.entries(res.headers)) resHeaders[k] = typeof v === "number" ? String(v) : v;
    return { statusCode: res.statusCode, body: res.body, headers: resHeaders, json: <T>() => JSON.parse(res.body) as T };
  };
}

export async function createTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const adminToken = randomBytes(16).toString("hex");
  const defaults: Json = {
    sip: { listen: [{ transport: "udp", host: "127.0.0.1", port: 0 }, { transport: "tcp", host: "127.0.0.1", port: 0 }] },
    admin: { host: "127.0.0.1", port: 0, tokens: [{ name: "test", token: adminToken }] },
    storage: { path: ":memory:", eventFlushMs: 5 },
    log: { level: process.env["TANDEM_TEST_LOG"] ?? "silent" },
  };
  const server = await createServer(deepMerge(defaults, options.config ?? {}), {
    plugins: (options.plugins ?? []) as ReadonlyArray<PluginDefinition<unknown>>,
    listenAdmin: false,
    ...(options.sip ? {} : { overrides: { createSipStack: noSipStack } }),
  });
  const recorder = eventRecorder(server.bus);
  for (const dn of options.dns ?? []) server.dns.upsert(dn);
  await server.start();
  const sipPorts: { udp?: number; tcp?: number } = {};
  for (const l of server.sipListeners) if (l.transport === "udp" || l.transport === "tcp") sipPorts[l.transport] = l.port;
  const token = server.config.admin.tokens[0]?.token ?? adminToken;
  return {
    bus: server.bus,
    dns: server.dns,
    hooks: server.hooks,
    adminToken: token,
    sipPorts,
    inject: injector(server, token),
    events: recorder.events,
    waitForEvent: recorder.waitForEvent,
    async close(): Promise<void> {
      recorder.stop();
      await server.stop();
    },
  };
}
