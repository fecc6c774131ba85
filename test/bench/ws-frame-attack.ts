/**
 * Peak RSS of a real server process while authenticated desktops send huge WebSocket frames (each socket one
 * 90 MB frame). Run: node --conditions=tandem-src --import tsx test/bench/ws-frame-attack.ts [sockets] [MB]
 *
 * Reports the server's RSS before, its peak (VmHWM from /proc) during the attack, and how each socket ended.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { freePort } from "../support/free-port.js";
import { until } from "../support/until.js";

const SOCKETS = Number(process.argv[2] ?? 8);
const FRAME_MB = Number(process.argv[3] ?? 90);
const REPO = join(import.meta.dirname, "../..");
const TOKEN = "bench-desktop-token-0001";

const memory = (pid: number, field: "VmRSS" | "VmHWM"): number => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith(field)) ?? "";
  return Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024;
};

const dir = mkdtempSync(join(tmpdir(), "tandem-wsbench-"));
const [sipPort, adminPort] = [await freePort(), await freePort()];
const config = {
  sip: { listen: [{ transport: "udp", host: "127.0.0.1", port: sipPort }] },
  admin: { host: "127.0.0.1", port: adminPort, tokens: [{ name: "ops", token: "bench-admin-token-0001" }] },
  storage: { path: join(dir, "tandem.sqlite") },
  log: { level: "error" },
  dns: [{ number: "1001", type: "Extension" }],
  plugins: { desktop: { enabled: true, tokens: [{ name: "desk", token: TOKEN, dns: ["1001"] }] } },
};
writeFileSync(join(dir, "config.json"), JSON.stringify(config));
const server = spawn(process.execPath, ["--conditions=tandem-src", "--import", "tsx", join(REPO, "core/src/cli.ts"), "--config", join(dir, "config.json")], {
  cwd: REPO,
  stdio: "ignore",
});
const pid = server.pid ?? 0;
try {
  await until(() => fetch(`http://127.0.0.1:${adminPort}/api/v1/health`).then((r) => r.ok, () => false), 60_000, "health");
  const before = memory(pid, "VmRSS");
  const frame = Buffer.alloc(FRAME_MB * 1_000_000, 0x61);
  const endings = await Promise.all(
    Array.from({ length: SOCKETS }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${adminPort}/api/v1/plugins/desktop/ws?token=${TOKEN}`);
      return new Promise<string>((resolve) => {
        ws.on("error", (err) => resolve(`error ${err.message}`));
        ws.on("unexpected-response", (_req, res) => resolve(`HTTP ${res.statusCode}`));
        ws.on("open", () => {
          ws.send(frame, { binary: false });
          ws.on("message", (data: Buffer) => {
            const code = (JSON.parse(data.toString()) as { code?: string }).code;
            if (code) resolve(`EventError ${code}`);
          });
          ws.on("close", (code) => resolve(`closed ${code}`));
          setTimeout(() => resolve("no answer in 60 s"), 60_000).unref();
        });
      }).finally(() => ws.terminate());
    }),
  );
  const counts = new Map<string, number>();
  for (const e of endings) counts.set(e, (counts.get(e) ?? 0) + 1);
  console.log(
    `${SOCKETS} sockets × ${FRAME_MB} MB frames: server RSS ${before.toFixed(0)} MB before, peak ${memory(pid, "VmHWM").toFixed(0)} MB; ` +
      `endings: ${[...counts].map(([e, n]) => `${n}× ${e}`).join(", ")}`,
  );
} finally {
  server.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
