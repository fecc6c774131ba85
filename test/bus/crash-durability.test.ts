/**
 * kill -9 while events flow: every seq an SSE client or a desktop saw must be in the log after the restart,
 * with the same content (a seq a crash takes back would be reused, and a client resuming after it would
 * silently miss the event that got it). A real server process, real sockets on 127.0.0.1.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import WebSocket from "ws";
import type { TandemEvent } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { until } from "../support/until.js";
import { tempDir } from "./test-support.js";

const REPO = join(import.meta.dirname, "../..");
const ADMIN_TOKEN = "crash-test-admin-token";
const DESKTOP_TOKEN = "crash-test-desktop-token";

function startServer(configFile: string): ChildProcess {
  const child = spawn(process.execPath, ["--conditions=tandem-src", "--import", "tsx", join(REPO, "core/src/cli.ts"), "--config", configFile], {
    cwd: REPO, // where `--import tsx` resolves
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.resume();
  return child;
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));

async function healthy(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.status === 200, () => false);
}

/** Reads `/api/v1/events/stream?after=0` and keeps every event by seq. */
function sseClient(port: number, seen: Map<number, TandemEvent>): void {
  const req = request({ host: "127.0.0.1", port, path: "/api/v1/events/stream?after=0", headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => {
    let buffer = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffer += chunk;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const data = buffer.slice(0, end).split("\n").find((line) => line.startsWith("data: "));
        if (data) {
          const event = JSON.parse(data.slice(6)) as TandemEvent;
          seen.set(event.seq, event);
        }
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
      }
    });
    res.on("error", () => {});
  });
  req.on("error", () => {});
  req.end();
}

/** A desktop registered on 1001 from seq 0; keeps every logged event it is sent. */
function desktopClient(port: number, seen: Map<number, Record<string, unknown>>): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/plugins/desktop/ws?token=${DESKTOP_TOKEN}`);
  ws.on("open", () => ws.send(JSON.stringify({ request: "RequestRegisterAddress", dn: "1001", after: 0, referenceId: "reg" })));
  ws.on("message", (raw: Buffer) => {
    const message = JSON.parse(raw.toString("utf8")) as Record<string, unknown>;
    if (typeof message["seq"] === "number") seen.set(message["seq"], message);
  });
  ws.on("error", () => {});
  return ws;
}

/** Toggles 1001 between Ready and NotReady through the admin API until stopped (each request emits events). */
async function produce(port: number, running: () => boolean): Promise<void> {
  const post = (body: object) =>
    fetch(`http://127.0.0.1:${port}/api/v1/agents/1001/state`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.arrayBuffer(), () => undefined);
  await post({ request: "Login" });
  for (let i = 0; running(); i++) await post({ request: i % 2 === 0 ? "Ready" : "NotReady", reasonCode: `r${i}` });
}

async function allLogged(port: number): Promise<Map<number, TandemEvent>> {
  const logged = new Map<number, TandemEvent>();
  for (let after = 0; ; ) {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/events?after=${after}&limit=1000`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const page = (await res.json()) as { events: TandemEvent[]; next: number };
    for (const event of page.events) logged.set(event.seq, event);
    if (page.events.length === 0) return logged;
    after = page.next;
  }
}

test("after kill -9 mid-flow, every seq an SSE client or a desktop saw is in the log with the same content", { timeout: 120_000 }, async (t) => {
  const dir = tempDir(t);
  const [sipPort, adminPort] = [await freePort(), await freePort()];
  const config = {
    sip: { listen: [{ transport: "udp", host: "127.0.0.1", port: sipPort }] },
    admin: { host: "127.0.0.1", port: adminPort, tokens: [{ name: "ops", token: ADMIN_TOKEN }] },
    // A long flush window: without commit-before-visible, a whole window of seen events would be lost.
    storage: { path: join(dir, "tandem.sqlite"), eventFlushMs: 400 },
    log: { level: "warn" },
    dns: [{ number: "1001", type: "Extension" }],
    plugins: { desktop: { enabled: true, tokens: [{ name: "desk", token: DESKTOP_TOKEN, dns: ["1001"] }] } },
  };
  const configFile = join(dir, "config.json");
  writeFileSync(configFile, JSON.stringify(config));

  const first = startServer(configFile);
  t.after(() => void first.kill("SIGKILL"));
  await until(() => healthy(adminPort), 60_000, "the first server's health");
  const sse = new Map<number, TandemEvent>();
  const desk = new Map<number, Record<string, unknown>>();
  sseClient(adminPort, sse);
  const ws = desktopClient(adminPort, desk);
  let running = true;
  const producers = [produce(adminPort, () => running), produce(adminPort, () => running)];
  await until(() => sse.size >= 400 && desk.size >= 400, 60_000, "events seen by both clients");
  first.kill("SIGKILL");
  await exited(first);
  running = false;
  await Promise.all(producers);
  ws.terminate();

  const second = startServer(configFile);
  t.after(async () => {
    second.kill("SIGTERM");
    await exited(second);
  });
  await until(() => healthy(adminPort), 60_000, "the restarted server's health");
  const logged = await allLogged(adminPort);
  const missing: number[] = [];
  for (const [seq, event] of sse) {
    const stored = logged.get(seq);
    if (!stored) missing.push(seq);
    else assert.deepEqual(stored, event, `SSE seq ${seq} is stored with the content the client saw`);
  }
  for (const [seq, message] of desk) {
    const stored = logged.get(seq);
    if (!stored) missing.push(seq);
    else assert.deepEqual({ name: stored.name, ts: stored.ts, dn: stored.dn }, { name: message["name"], ts: message["ts"], dn: message["dn"] }, `desktop seq ${seq}`);
  }
  t.diagnostic(`SSE saw ${sse.size} events, the desktop ${desk.size}; ${logged.size} in the log after restart`);
  assert.deepEqual(missing, [], "seqs a client saw that the crash took back");
});
