/**
 * Tandem in-process for the dashboard tests: the real SIP stack on 127.0.0.1, the admin server on a free port
 * serving `/ui/`, and the built-in presence, routing and trunk-selection plugins. Agent 1001 watches a presence
 * notifier (`cucm`) and is reached through trunk `T1`; Routing Point 5000 queues to `sales`. A second variant adds
 * the media plane with recording and supervision and phones that follow re-INVITEs.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { createServer, type TandemServer } from "../../../core/src/server.js";
import { freePort } from "../../support/free-port.js";
import { REPO_ROOT } from "../../support/tandem-process.js";
import { quietLogger } from "../../support/test-stack.js";

export const ADMIN_TOKEN = "dashboard-test-token-0123456789";

export interface DashboardServer {
  server: TandemServer;
  base: string;
  sipPort: number;
  trunkPort: number;
  notifierPort: number;
}

/** `tsc -b ui`: the dashboard's scripts as `npm test` builds them (incremental, so cheap when up to date). */
export function buildDashboard(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-b", join(REPO_ROOT, "ui")], { stdio: "inherit" });
}

export async function startDashboardServer(t: TestContext, sipTrace: Record<string, unknown> = {}): Promise<DashboardServer> {
  return startWithConfig(t, sipTrace);
}

export interface MediaDashboardServer extends DashboardServer {
  /** Where the recording plugin writes its WAV files. */
  recordingFolder: string;
}

/**
 * The same Tandem with the media plane and its features: the embedded media engine (`media` + `media-engine`),
 * the recording plugin and the supervision plugin (team `blue`: supervisor 1002 may monitor agent 1001, 1003 may
 * not; a supervisor's phone rings at most 3 s). Agent 1001 is reached through trunk `T1` at `phones.agent`, the
 * supervisor 1002 through `T2` at `phones.supervisor` (routes by destination, neither probed: the test's phones
 * answer INVITEs only).
 */
export async function startMediaDashboardServer(t: TestContext, phones: { agent: number; supervisor: number }, mediaPorts: { portMin: number; portMax: number }): Promise<MediaDashboardServer> {
  const recordingFolder = join(mkdtempSync(join(tmpdir(), "tandem-dashboard-recordings-")), "recordings");
  t.after(() => rmSync(join(recordingFolder, ".."), { recursive: true, force: true }));
  const d = await startWithConfig(t, {}, (config) => {
    config.dns = [
      { number: "1001", type: "Extension" },
      { number: "1002", type: "Extension" },
      { number: "1003", type: "Extension" },
      { number: "5000", type: "RoutingPoint" },
      { number: "T1", type: "Trunk", contact: `sip:127.0.0.1:${phones.agent}`, transport: "udp", "oos-check": 0 },
      { number: "T2", type: "Trunk", contact: `sip:127.0.0.1:${phones.supervisor}`, transport: "udp", "oos-check": 0 },
      { number: "agents", type: "TrunkGroup", trunks: ["T1"] },
      { number: "supervisors", type: "TrunkGroup", trunks: ["T2"] },
    ];
    config.plugins = {
      routing: { enabled: true, queues: { sales: { agents: ["1001"], timeoutMs: 60_000 } }, routingPoints: { "5000": { queue: "sales" } } },
      "trunk-selection": { enabled: true, upAfter: 1, routes: [{ pattern: "^1001$", group: "agents" }, { pattern: "^1002$", group: "supervisors" }] },
      "media-engine": { enabled: true, address: "127.0.0.1", workers: 1, ...mediaPorts },
      media: { enabled: true, adapter: "media-engine" },
      recording: { enabled: true, folder: recordingFolder },
      supervision: { enabled: true, ringTimeoutMs: 3000, teams: [{ name: "blue", supervisors: ["1002"], agents: ["1001"], queues: [] }] },
    };
  });
  return { ...d, recordingFolder };
}

type Config = Record<string, unknown>;

async function startWithConfig(t: TestContext, sipTrace: Record<string, unknown>, adjust?: (config: Config) => void): Promise<DashboardServer> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-dashboard-"));
  const [sipPort, adminPort, trunkPort, notifierPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const config: Config = {
    sip: { listen: [{ transport: "udp", host: "127.0.0.1", port: sipPort }], trustedPeers: ["127.0.0.0/8"] },
    admin: { host: "127.0.0.1", port: adminPort, tokens: [{ name: "dashboard-test", token: ADMIN_TOKEN }] },
    storage: { path: join(dir, "tandem.sqlite"), eventFlushMs: 5 },
    log: { level: "warn" },
    sipTrace,
    dns: [
      { number: "1001", type: "Extension", presence: true },
      { number: "5000", type: "RoutingPoint" },
      { number: "T1", type: "Trunk", contact: `sip:127.0.0.1:${trunkPort}`, transport: "udp", "oos-check": 1, "oos-force": 2 },
      { number: "cucm", type: "VoipService", "service-type": "softswitch", contact: `sip:127.0.0.1:${notifierPort}` },
    ],
    plugins: {
      presence: { enabled: true, notifier: "cucm", confirmWithinMs: 0 },
      routing: { enabled: true, queues: { sales: { agents: ["1001"], timeoutMs: 60_000 } }, routingPoints: { "5000": { queue: "sales" } } },
      "trunk-selection": { enabled: true, upAfter: 1 },
    },
  };
  adjust?.(config);
  const server = await createServer(config, { configDir: dir, logger: quietLogger() });
  t.after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await server.start();
  const address = server.adminAddress;
  if (!address) throw new Error("the admin server did not start");
  return { server, base: `http://127.0.0.1:${address.port}`, sipPort, trunkPort, notifierPort };
}
