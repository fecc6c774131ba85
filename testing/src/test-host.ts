/** What a test host takes and what it gives a test (started by `createTestHost`, create-test-host.ts). */
import type { DnInput, DnRegistry, EventBus, EventName, Hooks, PluginDefinition, TandemEvent } from "@tandem/sdk";

/** Options of {@link createTestHost}. */
export interface TestHostOptions {
  /** Plugins to load in addition to those the config names by `module`. */
  plugins?: ReadonlyArray<PluginDefinition<never>>;
  /** A config object merged over the test defaults (loopback, ephemeral ports, `:memory:` storage). */
  config?: Record<string, unknown>;
  /** DNs to create before plugins register. */
  dns?: readonly DnInput[];
  /** Start SIP listeners (UDP and TCP on 127.0.0.1, ephemeral ports); default false. */
  sip?: boolean;
}

/** Result of {@link TestHost.inject}. */
export interface InjectResult {
  statusCode: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  json<T = unknown>(): T;
}

/** A running host for tests. */
export interface TestHost {
  readonly bus: EventBus;
  readonly dns: DnRegistry;
  readonly hooks: Hooks;
  /** The admin token the host accepts. */
  readonly adminToken: string;
  /** SIP listener ports when `sip: true`. */
  readonly sipPorts: { udp?: number; tcp?: number };
  /** Calls the admin API in-process (the admin token is added unless `headers.authorization` is given). */
  inject(request: { method: string; url: string; payload?: unknown; headers?: Record<string, string> }): Promise<InjectResult>;
  /** Events recorded since the host started, optionally of one name. */
  events(name?: EventName): TandemEvent[];
  /** Resolves with the next event of `name` matching `predicate` (rejects after `timeoutMs`, default 5000). */
  waitForEvent(name: EventName, predicate?: (event: TandemEvent) => boolean, timeoutMs?: number): Promise<TandemEvent>;
  close(): Promise<void>;
}
