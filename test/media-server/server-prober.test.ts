/**
 * OPTIONS probing of media servers with fake timers and scripted SIP verbs: staggered scheduling, one probe
 * per endpoint at a time, the plugin-side time-out, which answers count as alive (any final answer but 503 and
 * 408), what a probe does to the pool's hold-down, DN changes and stop().
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { SipError, type DnRecord, type RequestOptions, type SipResponseInfo, type SipVerbs } from "@tandem/sdk";
import { ServerPool } from "../../plugins/media-server/src/server-pool.js";
import { judgeError, judgeResponse, ServerProber, type ProbeOutcome } from "../../plugins/media-server/src/server-prober.js";
import type { Endpoint } from "../../plugins/media-server/src/server-directory.js";

interface SentProbe {
  target: string;
  answer(status: number, reason?: string): void;
  fail(error: unknown): void;
}

/** SIP verbs whose requests the test answers by hand. */
function fakeSip(): SipVerbs & { sent: SentProbe[] } {
  const sent: SentProbe[] = [];
  const verbs = {
    sent,
    request(options: RequestOptions): Promise<SipResponseInfo> {
      assert.equal(options.method, "OPTIONS");
      return new Promise((resolve, reject) => {
        sent.push({
          target: options.target,
          answer: (status, reason = "") => resolve({ status, reason, body: "", header: () => undefined, headers: () => [] }),
          fail: reject,
        });
      });
    },
  };
  return verbs as unknown as SipVerbs & { sent: SentProbe[] };
}

let dnList: DnRecord[] = [];
const dn = (number: string, contact: string): DnRecord => ({
  number,
  type: "VoipService",
  options: { "service-type": "media-server", contact },
  origin: "config",
  createdAt: "",
  updatedAt: "",
});
const dns = { get: (n: string) => dnList.find((d) => d.number === n), list: () => dnList };

/** A pool of ms1 and ms2, and a prober wired to it the way index.ts wires them. */
function rig(options: { intervalMs?: number; timeoutMs?: number; holdDownMs?: number } = {}) {
  const sip = fakeSip();
  const pool = new ServerPool({ dns, servers: undefined, holdDownMs: options.holdDownMs ?? 30_000 });
  const results: Array<{ server: string; outcome: ProbeOutcome }> = [];
  const intervalMs = options.intervalMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 500;
  const prober = new ServerProber({
    sip,
    endpoints: () => pool.endpoints.map((s) => s.endpoint),
    intervalMs,
    timeoutMs,
    onResult: (endpoint: Endpoint, outcome: ProbeOutcome) => {
      results.push({ server: endpoint.server, outcome });
      pool.probed(endpoint, { ok: outcome.ok, result: outcome.detail }, intervalMs + timeoutMs);
    },
  });
  const state = (server: string) => {
    const s = pool.endpoints.find((e) => e.endpoint.server === server);
    assert.ok(s, server);
    return s;
  };
  return { sip, pool, prober, results, state };
}

/** Lets the promise callbacks of an answered probe run. */
const flush = () => new Promise<void>((r) => setImmediate(r));

describe("judging probe answers (RFC 3261 §11)", { timeout: 300_000 }, () => {
  it("any final answer is alive except 503 and 408", () => {
    for (const status of [200, 404, 405, 481, 486, 500, 603]) assert.equal(judgeResponse(status, "").ok, true, String(status));
    for (const status of [503, 408]) assert.equal(judgeResponse(status, "x").ok, false, String(status));
    assert.deepEqual(judgeResponse(503, "Service Unavailable"), { ok: false, result: "503", detail: "503 Service Unavailable" });
  });
  it("the stack's time-out and transport errors fail", () => {
    assert.equal(judgeError(new SipError(408, "Request Timeout", { origin: "timeout" })).result, "timeout");
    assert.equal(judgeError(new SipError(503, "ECONNREFUSED", { origin: "transport" })).result, "transport");
    assert.deepEqual(judgeError(new Error("boom")), { ok: false, result: "error", detail: "boom" });
  });
});

describe("ServerProber (fake timers)", { timeout: 300_000 }, () => {
  beforeEach(() => {
    dnList = [dn("ms1", "sip:10.0.0.1:5090"), dn("ms2", "sip:10.0.0.2:5090;transport=tcp")];
    mock.timers.enable({ apis: ["Date", "setTimeout", "setInterval"], now: 1_000_000 });
  });
  afterEach(() => mock.timers.reset());

  it("staggers the endpoints over the interval, none at start, then every interval; OPTIONS to the contact", async () => {
    const { sip, prober } = rig({ intervalMs: 1000 });
    prober.start();
    assert.equal(sip.sent.length, 0, "nothing at start");
    mock.timers.tick(499);
    assert.equal(sip.sent.length, 0);
    mock.timers.tick(1);
    assert.deepEqual(sip.sent.map((s) => s.target), ["sip:10.0.0.1:5090"]);
    sip.sent[0]?.answer(200, "OK");
    await flush();
    mock.timers.tick(500);
    assert.deepEqual(sip.sent.map((s) => s.target), ["sip:10.0.0.1:5090", "sip:10.0.0.2:5090;transport=tcp"]);
    sip.sent[1]?.answer(200, "OK");
    await flush();
    mock.timers.tick(500);
    assert.equal(sip.sent[2]?.target, "sip:10.0.0.1:5090", "ms1 again one interval after its first");
    prober.stop();
  });

  it("a good probe lifts a hold-down at once; 404 counts as alive", async () => {
    const { sip, pool, prober, state } = rig({ intervalMs: 1000 });
    const ms1 = state("ms1");
    pool.failed(ms1.endpoint, "503 Service Unavailable");
    assert.equal(pool.isHeldDown(ms1), true);
    prober.start();
    mock.timers.tick(500);
    sip.sent[0]?.answer(404, "Not Found");
    await flush();
    assert.equal(pool.isHeldDown(ms1), false, "404 proves the host answers");
    assert.deepEqual(pool.candidates().map((e) => e.server), ["ms1", "ms2"]);
    assert.deepEqual(ms1.lastProbe, { at: 1_000_500, ok: true, result: "404 Not Found" });
    assert.equal(ms1.failed, 1, "the INVITE failure stays counted");
    prober.stop();
  });

  for (const [name, settle] of [
    ["503", (p: SentProbe) => p.answer(503, "Service Unavailable")],
    ["408", (p: SentProbe) => p.answer(408, "Request Timeout")],
    ["transport error", (p: SentProbe) => p.fail(new SipError(503, "ECONNREFUSED", { origin: "transport" }))],
    ["stack time-out", (p: SentProbe) => p.fail(new SipError(408, "Timeout", { origin: "timeout" }))],
  ] as const) {
    it(`${name} holds the server down, for at least interval + time-out`, async () => {
      const { sip, pool, prober, state, results } = rig({ intervalMs: 1000, timeoutMs: 500, holdDownMs: 300 });
      prober.start();
      mock.timers.tick(500);
      const probe = sip.sent[0];
      assert.ok(probe);
      settle(probe);
      await flush();
      const ms1 = state("ms1");
      assert.equal(pool.isHeldDown(ms1), true);
      assert.deepEqual(pool.candidates().map((e) => e.server), ["ms2"]);
      assert.equal(ms1.heldDownUntil, 1_000_500 + 1500, "max(holdDownMs 300, 1000 + 500)");
      assert.match(ms1.lastFailure?.reason ?? "", /^OPTIONS /);
      assert.equal(ms1.failed, 0, "an INVITE counter, not a probe counter");
      assert.equal(ms1.probeFailures, 1);
      assert.equal(results[0]?.outcome.ok, false);
      prober.stop();
    });
  }

  it("no answer in probeTimeoutMs fails; a late answer is ignored; one probe out per endpoint at a time", async () => {
    dnList = [dn("ms1", "sip:10.0.0.1:5090")];
    const { sip, pool, prober, state, results } = rig({ intervalMs: 200, timeoutMs: 500 });
    prober.start();
    mock.timers.tick(200);
    assert.equal(sip.sent.length, 1);
    mock.timers.tick(400);
    assert.equal(sip.sent.length, 1, "no second OPTIONS while the first is out (ticks at 400 and 600)");
    mock.timers.tick(99);
    await flush();
    assert.equal(results.length, 0, "still waiting at 699 ms");
    mock.timers.tick(1);
    await flush();
    assert.equal(results[0]?.outcome.result, "timeout");
    assert.equal(pool.isHeldDown(state("ms1")), true);
    sip.sent[0]?.answer(200, "OK");
    await flush();
    assert.equal(results.length, 1, "the late 200 is not a result");
    assert.equal(pool.isHeldDown(state("ms1")), true);
    mock.timers.tick(100);
    assert.equal(sip.sent.length, 2, "the next probe goes out on the next tick");
    sip.sent[1]?.answer(200, "OK");
    await flush();
    assert.equal(pool.isHeldDown(state("ms1")), false);
    prober.stop();
  });

  it("stop() clears every timer: no probe after it, a result still out is dropped", async () => {
    const { sip, prober, results } = rig({ intervalMs: 1000 });
    prober.start();
    mock.timers.tick(500);
    assert.equal(sip.sent.length, 1);
    prober.stop();
    assert.equal(prober.scheduled, 0);
    sip.sent[0]?.answer(503);
    await flush();
    mock.timers.tick(10_000);
    assert.equal(sip.sent.length, 1);
    assert.deepEqual(results, []);
  });

  it("probeIntervalMs 0: no timers at all", () => {
    const { sip, prober } = rig({ intervalMs: 0 });
    prober.start();
    assert.equal(prober.scheduled, 0);
    mock.timers.tick(100_000);
    assert.equal(sip.sent.length, 0);
  });

  it("a DN change: a removed endpoint stops being probed, a new one gets a slot, the others keep theirs", async () => {
    const { sip, pool, prober } = rig({ intervalMs: 1000 });
    prober.start();
    dnList = [dn("ms2", "sip:10.0.0.2:5090;transport=tcp"), dn("ms3", "sip:10.0.0.3:5090")];
    pool.reload();
    prober.sync();
    assert.equal(prober.scheduled, 2);
    mock.timers.tick(1000);
    const targets = sip.sent.map((s) => s.target).sort();
    assert.deepEqual(targets, ["sip:10.0.0.2:5090;transport=tcp", "sip:10.0.0.3:5090"]);
    prober.stop();
  });
});
