/**
 * A real Janus for a test: Debian's `janus` started on 127.0.0.1 with a configuration written into a temp folder —
 * only the AudioBridge plugin and the WebSocket transport (loaded from folders holding just those two), the
 * WebSocket API on a free loopback port, AudioBridge's plain-RTP ports on loopback in a range of the test's own,
 * no STUN/TURN, no event handlers, no admin API, no HTTP transport.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, freeUdpPortBlock } from "../support/free-port.js";
import { until } from "../support/until.js";

const JANUS_LIBS = "/usr/lib/x86_64-linux-gnu/janus";

/** A running Janus and how to reach it. */
export interface JanusProcess {
  readonly url: string;
  readonly wsPort: number;
  readonly rtpMin: number;
  readonly rtpMax: number;
  /** The running Janus's process id (for CPU figures). */
  pid(): number | undefined;
  /** What Janus printed, for failure messages. */
  output(): string;
  /** Kills Janus (SIGKILL when `hard`), and resolves once it exited. */
  kill(hard?: boolean): Promise<void>;
  /** Stops (`SIGSTOP`) or continues (`SIGCONT`) Janus: a Janus that hangs with its sockets open. */
  signal(signal: "SIGSTOP" | "SIGCONT"): void;
  /** Starts Janus again on the same port and folder (after `kill`). */
  restart(): Promise<void>;
  /** Kills Janus and removes its folder. */
  stop(): Promise<void>;
}

function writeConfig(folder: string, wsPort: number, rtpMin: number, rtpMax: number): void {
  const plugins = join(folder, "plugins");
  const transports = join(folder, "transports");
  const empty = join(folder, "none");
  for (const dir of [plugins, transports, empty]) mkdirSync(dir);
  symlinkSync(join(JANUS_LIBS, "plugins/libjanus_audiobridge.so"), join(plugins, "libjanus_audiobridge.so"));
  symlinkSync(join(JANUS_LIBS, "transports/libjanus_websockets.so"), join(transports, "libjanus_websockets.so"));
  writeFileSync(
    join(folder, "janus.jcfg"),
    `general: {
  configs_folder = "${folder}"
  plugins_folder = "${plugins}"
  transports_folder = "${transports}"
  events_folder = "${empty}"
  loggers_folder = "${empty}"
  debug_level = 3
  session_timeout = 60
  protected_folders = []
}
media: {
  rtp_port_range = "${rtpMin}-${rtpMax}"
}
nat: {
  ice_enforce_list = "lo"
}
events: {
  broadcast = false
}
`,
  );
  writeFileSync(
    join(folder, "janus.transport.websockets.jcfg"),
    `general: {
  json = "compact"
  ws = true
  ws_port = ${wsPort}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
  );
  writeFileSync(
    join(folder, "janus.plugin.audiobridge.jcfg"),
    `general: {
  local_ip = "127.0.0.1"
  rtp_port_range = "${rtpMin}-${rtpMax}"
  record_tmp_ext = "part"
  events = false
  string_ids = true
}
`,
  );
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts Janus with `rtpPorts` plain-RTP ports leased for this test process (so no other test file's RTP ports
 * overlap them) and resolves once its WebSocket port accepts connections.
 */
export async function startJanus(rtpPorts: number): Promise<JanusProcess> {
  const folder = mkdtempSync(join(tmpdir(), "janus-test-"));
  const wsPort = await freePort();
  const rtpMin = await freeUdpPortBlock(rtpPorts);
  const rtpMax = rtpMin + rtpPorts - 1;
  writeConfig(folder, wsPort, rtpMin, rtpMax);
  let output = "";
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    const started = spawn("janus", ["-C", join(folder, "janus.jcfg"), "-F", folder, "-o"], { stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    started.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    started.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
    let exited = false;
    started.once("exit", () => (exited = true));
    await until(async () => exited || (await listening(wsPort)), 20_000, `Janus listening on ${wsPort}`);
    if (exited) throw new Error(`Janus exited at start:\n${output}`);
  };
  const kill = async (hard = false): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill(hard ? "SIGKILL" : "SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (running.exitCode === null && running.signalCode === null) {
      running.kill("SIGKILL");
      await exited;
    }
  };
  await launch();
  return {
    url: `ws://127.0.0.1:${wsPort}`,
    wsPort,
    rtpMin,
    rtpMax,
    pid: () => child?.pid,
    output: () => output,
    kill,
    signal: (signal) => {
      child?.kill(signal);
    },
    restart: launch,
    stop: async () => {
      await kill();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
