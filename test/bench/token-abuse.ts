/**
 * What one source and one token can do against a real server process: wrong-token guessing (admin and desktop),
 * sockets held by one desktop token, and events written by one desktop token.
 * Run: node --conditions=tandem-src --import tsx test/bench/token-abuse.ts
 */
import { spawn } from "node:child_process";
import { get } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import WebSocket from "ws";
import { freePort } from "../support/free-port.js";
import { until } from "../support/until.js";

const REPO = join(import.meta.dirname, "../..");
const ADMIN = "bench-admin-token-0001";
const DESK = "bench-desktop-token-0001";

const dir = mkdtempSync(join(tmpdir(), "tandem-abuse-"));
const [sipPort, adminPort] = [await freePort(), await freePort()];
const config = {
  sip: { listen: [{ transport: "udp", host: "127.0.0.1", port: sipPort }] },
  admin: { host: "127.0.0.1", port: adminPort, tokens: [{ name: "ops", token: ADMIN }] },
  storage: { path: join(dir, "tandem.sqlite") },
  log: { level: "error" },
  dns: [{ number: "1001", type: "Extension" }],
  plugins: { desktop: { enabled: true, tokens: [{ name: "desk", token: DESK, dns: ["1001"] }] } },
};
writeFileSync(join(dir, "config.json"), JSON.stringify(config));
const server = spawn(process.execPath, ["--conditions=tandem-src", "--import", "tsx", join(REPO, "core/src/cli.ts"), "--config", join(dir, "config.json")], { cwd: REPO, stdio: "ignore" });
const base = `http://127.0.0.1:${adminPort}/api/v1`;

/** The log's last seq, asked from 127.0.0.2 (127.0.0.1 is in back-off after the guessing). */
function lastSeq(): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`${base}/events?after=0&limit=1`, { headers: { authorization: `Bearer ${ADMIN}` }, localAddress: "127.0.0.2" }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve((JSON.parse(body) as { lastSeq: number }).lastSeq));
    }).on("error", reject);
  });
}

async function guesses(label: string, url: string, init: (i: number) => RequestInit, total = 5000): Promise<void> {
  const counts = new Map<number, number>();
  const start = performance.now();
  for (let i = 0; i < total; i += 50) {
    const batch = await Promise.all(Array.from({ length: 50 }, (_, j) => fetch(url, init(i + j)).then((r) => r.status)));
    for (const s of batch) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const rate = Math.round(total / ((performance.now() - start) / 1000));
  console.log(`${label}: ${total} wrong tokens at ${rate}/s → ${[...counts].map(([s, n]) => `${n}× ${s}`).join(", ")}`);
}

try {
  await until(() => fetch(`${base}/health`).then((r) => r.ok, () => false), 60_000, "health");
  await guesses("admin", `${base}/dns`, (i) => ({ headers: { authorization: `Bearer wrong-admin-${i}` } }));
  // The guessing above throttled this address; the rest runs after its window (60 s by default) would be long,
  // so it uses a second loopback address as its source.
  const sockets = await Promise.all(
    Array.from({ length: 500 }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${adminPort}/api/v1/plugins/desktop/ws?token=${DESK}`, { localAddress: "127.0.0.2" });
      return new Promise<{ ws: WebSocket; ok: boolean }>((resolve) => {
        ws.on("error", () => resolve({ ws, ok: false }));
        ws.on("unexpected-response", () => resolve({ ws, ok: false }));
        ws.once("message", (data: Buffer) => resolve({ ws, ok: String(data).includes("EventServerConnected") }));
      });
    }),
  );
  console.log(`desktop sockets: ${sockets.filter((s) => s.ok).length} of 500 opened by one token`);
  const live = sockets.find((s) => s.ok)?.ws;
  for (const s of sockets) if (s.ws !== live) s.ws.terminate();
  if (live) {
    const before = await lastSeq();
    live.send(JSON.stringify({ request: "RequestRegisterAddress", dn: "1001", referenceId: "reg" }));
    live.send(JSON.stringify({ request: "RequestAgentLogin", dn: "1001", referenceId: "login", workMode: "ManualIn" }));
    const start = performance.now();
    let i = 0;
    while (performance.now() - start < 3000) {
      for (let j = 0; j < 50; j++, i++) live.send(JSON.stringify({ request: i % 2 ? "RequestAgentReady" : "RequestAgentNotReady", dn: "1001", referenceId: `r${i}` }));
      await new Promise((r) => setTimeout(r, 5));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const after = await lastSeq();
    console.log(`desktop requests: ${i} sent in 3 s by one token → ${Math.round((after - before) / 3)} durable events/s`);
    live.terminate();
  }
} finally {
  server.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
}
