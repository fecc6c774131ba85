/**
 * Failures and shutdown of requests we originate: a refused TCP connection is a 503 at once (RFC 3261
 * §8.1.3.1: a fatal transport error is treated as 503), and `SipStack.stop()` settles every pending
 * request and leaves no timer behind, so a process that stops its stack exits at once.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SipError } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { startTestStack, type TestStack } from "../support/test-stack.js";

const HERE = dirname(fileURLToPath(import.meta.url));

function settledIn(p: Promise<unknown>): Promise<{ status: number; origin: string; ms: number }> {
  const start = Date.now();
  return p.then(
    () => assert.fail("resolved, expected a SipError"),
    (e: SipError) => ({ status: e.status, origin: e.origin, ms: Date.now() - start }),
  );
}

describe("requests to a refused TCP port", { timeout: 300_000 }, () => {
  let t: TestStack;
  before(async () => {
    t = await startTestStack();
  });
  after(() => t.stack.stop());

  it("SUBSCRIBE, request() and invite() reject with 503 origin transport within a second", async () => {
    const dead = await freePort(); // nothing listens there: the connect is refused
    const target = `sip:1001@127.0.0.1:${dead};transport=tcp`;
    const outcomes = await Promise.all([
      settledIn(t.stack.verbs.subscribe({ target, event: "presence", expires: 600 }).accepted),
      settledIn(t.stack.verbs.request({ method: "OPTIONS", target })),
      settledIn(t.stack.verbs.invite({ target, sdp: "v=0\r\n" }).answered),
    ]);
    for (const o of outcomes) {
      assert.equal(o.status, 503);
      assert.equal(o.origin, "transport");
      assert.ok(o.ms < 1000, `settled after ${o.ms} ms`);
    }
  });
});

describe("SipStack.stop()", { timeout: 300_000 }, () => {
  it("settles pending requests and leaves no timers: the process exits within 2 s", { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ["--conditions=tandem-src", "--import", "tsx", join(HERE, "stop-child.ts")], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const killer = setTimeout(() => child.kill("SIGKILL"), 25_000);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const exitedAt = Date.now();
    clearTimeout(killer);
    assert.equal(code, 0, err);
    const report = JSON.parse(out.trim()) as { udpSeen: number; tcpSeen: number; settled: string[] | string; stoppedAt: number };
    assert.ok(report.udpSeen >= 3 && report.tcpSeen >= 1, `the silent peers saw the requests: ${out}`);
    assert.deepEqual(report.settled, ["503/transport", "503/transport", "503/transport", "503/transport"]);
    const lingered = exitedAt - report.stoppedAt;
    assert.ok(lingered < 2000, `process lived ${lingered} ms after stop()`);
  });
});
