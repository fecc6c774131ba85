/**
 * Testing kit for plugin authors: a real host (in-memory SQLite, real event bus and registry, optional SIP
 * listeners on loopback) around the plugins under test, in a few lines:
 *
 * ```ts
 * const host = await createTestHost({ plugins: [myPlugin], config: { plugins: { "my-plugin": { enabled: true } } } });
 * const res = await host.inject({ method: "GET", url: "/api/v1/plugins/my-plugin/status" });
 * await host.close();
 * ```
 */
import type { DnInput, DnRegistry } from "../dns.js";
import { SdkErrors } from "../errors.js";
import type { EventBus, EventName, TandemEvent } from "../events.js";
import type { Hooks } from "../hooks.js";
import type { PluginDefinition } from "../plugin.js";

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

interface CoreTestingModule {
  createTestHost(options: TestHostOptions): Promise<TestHost>;
}

/** Starts a test host. Needs `@tandem/core` installed beside the SDK (it is a dev dependency of plugin repos). */
export async function createTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const specifier = "@tandem/core";
  let core: Partial<CoreTestingModule>;
  try {
    core = (await import(specifier)) as Partial<CoreTestingModule>;
  } catch (err) {
    throw SdkErrors.testHostUnavailable(err instanceof Error ? err.message : String(err));
  }
  if (typeof core.createTestHost !== "function") throw SdkErrors.testHostUnavailable("it has no createTestHost export");
  return core.createTestHost(options);
}
