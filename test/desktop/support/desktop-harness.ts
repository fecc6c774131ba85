/**
 * Test harness for the desktop plugin: a real server with the admin API listening on an ephemeral
 * loopback port (no SIP sockets unless a test asks for a SIP port), and a WebSocket client that checks
 * every message it receives against the published `events.schema.json`.
 */
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import WebSocket from "ws";
import type { PluginDefinition } from "@tandem/sdk";
import desktopPlugin, { EVENTS_SCHEMA_URL } from "@tandem/plugin-desktop";
import { createServer, type TandemServer } from "../../../core/src/server.js";
import { socketlessSipStack } from "@tandem/testing";

export const TOKEN_A = "token-for-agent-a-0001";
export const TOKEN_B = "token-for-agent-b-0002";
export const TOKEN_AB = "token-for-agents-ab-03";

/** The agent tokens every desktop server has: A → 1001, B → 1002. */
export const AGENT_TOKENS = [
  { name: "agent-a", token: TOKEN_A, dns: ["1001"] },
  { name: "agent-b", token: TOKEN_B, dns: ["1002"] },
];

/** Desktop tests that need no SIP get the test host's socketless stack. */
const noSip = socketlessSipStack(() => new Error("no SIP in desktop tests"));

export interface DesktopServer {
  readonly server: TandemServer;
  readonly wsUrl: string;
  readonly httpUrl: string;
  close(): Promise<void>;
}

export interface DesktopServerOptions {
  plugins?: ReadonlyArray<PluginDefinition<never>>;
  /** Merged over the desktop plugin's config (tokens A, B and AB by default). */
  desktop?: Record<string, unknown>;
  /** With a port, a real SIP stack listens there on UDP; without, the server has no SIP sockets. */
  sipPort?: number;
  /** DNs besides the agents 1001 and 1002 (default: routing point 5000). */
  dns?: ReadonlyArray<Record<string, unknown>>;
  /** Config sections of the other plugins, by plugin id. */
  pluginConfig?: Record<string, Record<string, unknown>>;
}

/** Starts a server with agent DNs 1001 and 1002 and three desktop tokens (A → 1001, B → 1002, AB → both). */
export async function startDesktopServer(options: DesktopServerOptions = {}): Promise<DesktopServer> {
  const config = {
    sip: { listen: [{ transport: "udp", host: "127.0.0.1", port: options.sipPort ?? 0 }] },
    admin: { host: "127.0.0.1", port: 0, tokens: [{ name: "admin", token: "admin-token-not-for-desktops" }] },
    storage: { path: ":memory:", eventFlushMs: 5 },
    log: { level: process.env["TANDEM_TEST_LOG"] ?? "silent" },
    dns: [{ number: "1001", type: "Extension" }, { number: "1002", type: "Extension" }, ...(options.dns ?? [{ number: "5000", type: "RoutingPoint" }])],
    plugins: {
      desktop: {
        enabled: true,
        tokens: [...AGENT_TOKENS, { name: "agent-ab", token: TOKEN_AB, dns: ["1001", "1002", "5000", "9999"] }],
        // Tests fire requests faster than any agent; desktop-limits.test.ts covers the limit itself.
        maxRequestsPerSecond: 10_000,
        ...options.desktop,
      },
      ...options.pluginConfig,
    },
  };
  const server = await createServer(config, {
    plugins: [desktopPlugin, ...(options.plugins ?? [])] as ReadonlyArray<PluginDefinition<unknown>>,
    ...(options.sipPort === undefined ? { overrides: { createSipStack: noSip } } : {}),
  });
  await server.start();
  const address = server.adminAddress;
  assert.ok(address, "admin server listens");
  const base = `${address.host}:${address.port}/api/v1/plugins/desktop`;
  return { server, wsUrl: `ws://${base}/ws`, httpUrl: `http://${base}/requests`, close: () => server.stop() };
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
const validateEvent = ajv.compile(JSON.parse(readFileSync(EVENTS_SCHEMA_URL, "utf8")) as object);

/** Asserts that a server message matches the published events schema. */
export function assertEventSchema(message: unknown): void {
  assert.ok(validateEvent(message), `message matches events.schema.json: ${JSON.stringify(message)} ${ajv.errorsText(validateEvent.errors)}`);
}

export type Message = Record<string, unknown> & { event: string };

/** A desktop client: buffered incoming messages, `next` to await one, `send` for requests. */
export class DesktopClient {
  readonly received: Message[] = [];
  private cursor = 0;
  private waiter: (() => void) | undefined;
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const message = JSON.parse(String(data)) as Message;
      assertEventSchema(message);
      this.received.push(message);
      this.waiter?.();
    });
    ws.on("close", (code) => {
      this.closeCode = code;
      this.waiter?.();
    });
  }

  static async connect(url: string, token: string | undefined, query = ""): Promise<DesktopClient> {
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    const ws = new WebSocket(`${url}${query}`, { headers });
    const client = new DesktopClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return client;
  }

  send(request: unknown): void {
    this.ws.send(typeof request === "string" ? request : JSON.stringify(request));
  }

  /** The next unread message (waits up to `timeoutMs`). */
  async next(timeoutMs = 2000): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    while (this.cursor >= this.received.length) {
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no message within ${timeoutMs} ms; got ${JSON.stringify(this.received.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
    return this.received[this.cursor++] as Message;
  }

  /** Reads messages until one matches; returns it with everything read before it. */
  async until(predicate: (m: Message) => boolean, timeoutMs = 2000): Promise<{ match: Message; before: Message[] }> {
    const before: Message[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      if (predicate(m)) return { match: m, before };
      before.push(m);
    }
  }

  /**
   * Sends a request and reads until its EventError/EventACK/EventRegistered/EventUnregistered answer or a referencing
   * event, waiting up to `timeoutMs` for each message.
   */
  async request(request: Record<string, unknown>, done: (m: Message) => boolean = () => true, timeoutMs = 2000): Promise<Message[]> {
    this.send(request);
    const out: Message[] = [];
    for (;;) {
      const m = await this.next(timeoutMs);
      out.push(m);
      if (m["referenceId"] === request["referenceId"] && done(m)) return out;
    }
  }

  /** Asserts nothing more arrives within `ms`. */
  async expectSilence(ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    assert.deepEqual(this.received.slice(this.cursor), [], "no further messages");
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.close();
    });
  }
}
