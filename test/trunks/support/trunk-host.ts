/**
 * Test support for trunk selection: sipp processes standing in for CUCM nodes that answer OPTIONS (one per
 * port, killable one at a time), and a test host with the trunk-selection plugin and Trunk DNs pointing at them.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestHost, type TestHost } from "@tandem/testing";
import { selectTrunk, type TrunkChoice } from "@tandem/sdk";
import trunkSelection from "@tandem/plugin-trunk-selection";
import { until } from "../../support/until.js";

export { until };

const SIPP_DIR = fileURLToPath(new URL("../../sipp/", import.meta.url));
const running = new Set<ChildProcess>();

/** A sipp UAS on 127.0.0.1:`port` answering every OPTIONS with `status` (200, 404 or 503: `trunk-options-<status>.xml`). */
export interface Node {
  readonly port: number;
  /** TCP: resolves once sipp accepts connections (a probe before that would be refused: out of service). */
  ready(): Promise<void>;
  kill(): Promise<void>;
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

export function startNode(port: number, options: { status?: number; transport?: "udp" | "tcp"; scenario?: string } = {}): Node {
  const args = [
    "-sf", join(SIPP_DIR, options.scenario ?? `trunk-options-${options.status ?? 200}.xml`),
    "-i", "127.0.0.1",
    "-p", String(port),
    "-t", options.transport === "tcp" ? "t1" : "u1",
    "-nostdin",
    "-timeout", "120s",
  ];
  const child = spawn("sipp", args, { stdio: ["ignore", "ignore", "ignore"] });
  running.add(child);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    port,
    ready: async () => {
      if (options.transport === "tcp") await until(() => tcpOpen(port), 5000, `sipp on TCP ${port}`);
    },
    kill: async () => {
      running.delete(child);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Kills every node still running (for `after`). */
export function killAllNodes(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  running.clear();
}

/** Short health timings so the tests take seconds: probe every 200 ms, out after 1 s of silence. */
export const FAST = { oosCheck: 0.2, oosForce: 1, upAfter: 2 } as const;

export async function startTrunkHost(options: {
  dns: ReadonlyArray<Record<string, unknown>>;
  plugin?: Record<string, unknown>;
}): Promise<TestHost> {
  return createTestHost({
    sip: true,
    plugins: [trunkSelection],
    config: {
      dns: options.dns,
      ...(process.env["TRUNK_SIP_LOG"] ? { sip: { logMessages: true } } : {}),
      plugins: { "trunk-selection": { enabled: true, ...FAST, ...options.plugin } },
    },
  });
}

/** Asks the `selectTrunk` hook like the call model does. */
export function select(host: TestHost, destination: string, extra: { routingPoint?: string; exclude?: string[]; connId?: string } = {}): Promise<TrunkChoice | null> {
  return host.hooks.call(selectTrunk, { destination, exclude: extra.exclude ?? [], ...extra });
}


export interface TrunkRow {
  number: string;
  state: string;
  activeEndpoint: string | null;
  callsInProgress: number;
  counters: { selections: number; failedCalls: number; probes: number; probeFailures: number; outOfService: number };
  endpoints: Array<{ uri: string; state: string; callFailures: number; lastProbe: { at: string; result: string; status: number | null; latencyMs: number | null } | null }>;
}

export async function trunkRows(host: TestHost): Promise<TrunkRow[]> {
  const res = await host.inject({ method: "GET", url: "/api/v1/plugins/trunk-selection/trunks" });
  if (res.statusCode !== 200) throw new Error(`GET trunks answered ${res.statusCode}: ${res.body}`);
  return res.json<{ trunks: TrunkRow[] }>().trunks;
}
