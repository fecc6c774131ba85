/**
 * Test support for trunk selection: sipp processes standing in for CUCM nodes that answer OPTIONS (one per
 * port, killable one at a time), and a test host with the trunk-selection plugin and Trunk DNs pointing at them.
 */
import { connect } from "node:net";
import { createTestHost, type TestHost } from "@tandem/testing";
import { selectTrunk, type TrunkChoice } from "@tandem/sdk";
import trunkSelection from "@tandem/plugin-trunk-selection";
import { startSipp, type SippRun } from "../../support/sipp.js";
import { until } from "../../support/until.js";

export { until };

const running = new Set<SippRun>();

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
  const run = startSipp({
    scenario: options.scenario ?? `trunk-options-${options.status ?? 200}.xml`,
    localPort: port,
    transport: options.transport === "tcp" ? "t1" : "u1",
    timeoutS: 120,
  });
  running.add(run);
  return {
    port,
    ready: async () => {
      if (options.transport === "tcp") await until(() => tcpOpen(port), 5000, `sipp on TCP ${port}`);
    },
    kill: async () => {
      running.delete(run);
      run.kill();
      await run.exited;
    },
  };
}

/** Kills every node still running (for `after`). */
export function killAllNodes(): void {
  for (const run of running) run.kill();
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
