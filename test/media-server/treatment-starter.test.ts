/**
 * The starter's decisions against scripted SIP verbs (no sockets): what the INVITE carries, failover by cause,
 * refusals, aborts (CANCEL before the answer, BYE for an answer that crosses the abort or comes after it),
 * 2xx without SDP, and the treatment's stop/ended contract. The same paths run against sipp in
 * media-server-sipp.test.ts; here the races are staged exactly.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  SipError,
  type EventBus,
  type LegEndReason,
  type Metrics,
  type OutboundCall,
  type OutboundInviteOptions,
  type SipLeg,
  type SipVerbs,
  type TreatmentRequest,
} from "@tandem/sdk";
import { withDefaults, type MediaServerConfig } from "../../plugins/media-server/src/manifest.js";
import { createMediaMetrics } from "../../plugins/media-server/src/media-metrics.js";
import { ServerPool } from "../../plugins/media-server/src/server-pool.js";
import { TreatmentStarter } from "../../plugins/media-server/src/treatment-starter.js";
import { quietLogger, testSdp } from "../support/test-stack.js";

class FakeLeg {
  byes = 0;
  state: "confirmed" | "terminated" = "confirmed";
  readonly callId = "ms-call";
  private listeners: Array<(r: LegEndReason) => void> = [];
  constructor(readonly remoteSdp: string | undefined, private readonly byeThrows = false) {}
  bye(): Promise<void> {
    this.byes += 1;
    if (this.byeThrows) return Promise.reject(new Error("stack gone"));
    this.end({ by: "local" });
    return Promise.resolve();
  }
  onEnded(listener: (r: LegEndReason) => void): () => void {
    this.listeners.push(listener);
    return () => undefined;
  }
  end(reason: LegEndReason): void {
    if (this.state === "terminated") return;
    this.state = "terminated";
    for (const l of this.listeners) l(reason);
  }
}

interface FakeInvite {
  options: OutboundInviteOptions;
  cancels: number;
  answer(leg: FakeLeg): void;
  fail(error: unknown): void;
}

/** SIP verbs whose INVITEs the test settles by hand (`auto` settles each new one as it is sent). */
function fakeSip(auto?: (invite: FakeInvite, index: number) => void): SipVerbs & { invites: FakeInvite[] } {
  const invites: FakeInvite[] = [];
  const verbs = {
    invites,
    localUri: (user?: string, transport?: string) => `sip:${user ?? "tandem"}@127.0.0.1:5060${transport ? `;transport=${transport}` : ""}`,
    invite(options: OutboundInviteOptions): OutboundCall {
      let settle!: { resolve(l: SipLeg): void; reject(e: unknown): void };
      const answered = new Promise<SipLeg>((resolve, reject) => (settle = { resolve, reject }));
      answered.catch(() => undefined);
      const invite: FakeInvite = {
        options,
        cancels: 0,
        answer: (leg) => settle.resolve(leg as unknown as SipLeg),
        fail: (error) => settle.reject(error),
      };
      invites.push(invite);
      auto?.(invite, invites.length - 1);
      return { callId: `c${invites.length}`, answered, cancel: () => void (invite.cancels += 1) };
    },
  };
  return verbs as unknown as SipVerbs & { invites: FakeInvite[] };
}

/** Metrics that remember every increment with its labels. */
function recordingMetrics(): Metrics & { incs: Array<{ name: string; labels: Record<string, unknown> }> } {
  const incs: Array<{ name: string; labels: Record<string, unknown> }> = [];
  const counter = (name: string) => ({ inc: (labels: Record<string, unknown> = {}) => void incs.push({ name, labels }) });
  const gauge = { set: () => undefined, inc: () => undefined, dec: () => undefined };
  return { incs, counter: (s) => counter(s.name), gauge: () => gauge, histogram: () => ({ observe: () => undefined }) } as Metrics & {
    incs: typeof incs;
  };
}

function rig(sip: SipVerbs, config: Partial<MediaServerConfig> = {}) {
  const dns = {
    get: (n: string) => DNS.find((d) => d.number === n),
    list: () => DNS,
  };
  const full = withDefaults({ servers: ["ms1", "ms2"], treatments: { default: { play: "http://m/hold.wav" } }, ...config });
  const pool = new ServerPool({ dns, servers: full.servers, holdDownMs: full.holdDownMs });
  const metrics = recordingMetrics();
  const events: Array<{ name: string; data: Record<string, unknown> }> = [];
  const bus = { emit: (name: string, input: { data?: Record<string, unknown> }) => events.push({ name, data: input.data ?? {} }) } as unknown as EventBus;
  const starter = new TreatmentStarter({ sip, pool, config: full, log: quietLogger(), bus, metrics: createMediaMetrics(metrics, pool), source: "media-server" });
  return { starter, pool, metrics, events };
}

const DNS = ["ms1", "ms2"].map((number, i) => ({
  number,
  type: "VoipService" as const,
  options: { contact: `sip:10.0.0.${i + 1}:5090;transport=udp` },
  origin: "config" as const,
  createdAt: "",
  updatedAt: "",
}));

function request(extra: Partial<TreatmentRequest> = {}): TreatmentRequest {
  return { connId: "0000000000000001", routingPoint: "RP1", queue: "Q1", ani: "+33612345678", dnis: "5000", userData: {}, offer: testSdp(), signal: new AbortController().signal, ...extra };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("TreatmentStarter", { timeout: 300_000 }, () => {
  it("INVITEs the RFC 4240 URI with the caller's offer, ConnID, From = caller, answer timeout; 503 fails over and holds down", async () => {
    const sip = fakeSip((inv, i) => (i === 0 ? inv.fail(new SipError(503, "Service Unavailable")) : inv.answer(new FakeLeg("v=0 ms2"))));
    const { starter, pool, metrics } = rig(sip);
    const t = await starter.start(request());
    assert.equal(t?.server, "ms2");
    assert.equal(t?.sdp, "v=0 ms2");
    assert.deepEqual(sip.invites.map((i) => i.options.target), [
      "sip:annc@10.0.0.1:5090;transport=udp;play=http://m/hold.wav;repeat=forever",
      "sip:annc@10.0.0.2:5090;transport=udp;play=http://m/hold.wav;repeat=forever",
    ]);
    const sent = sip.invites[1]!.options;
    assert.equal(sent.sdp, testSdp());
    assert.deepEqual(sent.headers, { "X-Tandem-ConnID": "0000000000000001" });
    assert.equal(sent.from, "sip:+33612345678@127.0.0.1:5060;transport=udp");
    assert.equal(sent.noAnswerTimeoutMs, 2000, "the stack's no-answer time-out is the plugin's answerTimeoutMs");
    assert.deepEqual(pool.candidates().map((e) => e.server), ["ms2"]);
    assert.deepEqual(metrics.incs.map((i) => [i.name, i.labels]), [
      ["treatments_failed_total", { server: "ms1", reason: "server-error" }],
      ["treatments_started_total", { server: "ms2" }],
    ]);
    assert.equal(starter.active, 1);
  });

  for (const [what, error, label] of [
    ["time-out", new SipError(408, "No Answer", { origin: "timeout" }), "timeout"],
    ["transport error", new SipError(503, "connect ECONNREFUSED", { origin: "transport" }), "transport"],
    ["408 from the server", new SipError(408, "Request Timeout"), "timeout"],
    ["500", new SipError(500, "Server Internal Error"), "server-error"],
    ["a throw from invite()", new Error("bad target"), "error"],
  ] as const) {
    it(`${what} fails over`, async () => {
      const sip = fakeSip((inv, i) => (i === 0 ? inv.fail(error) : inv.answer(new FakeLeg("v=0"))));
      const { starter, metrics } = rig(sip);
      assert.equal((await starter.start(request()))?.server, "ms2");
      assert.deepEqual(metrics.incs[0]?.labels, { server: "ms1", reason: label });
    });
  }

  for (const status of [404, 488, 486, 603, 302, 487]) {
    it(`${status} is the treatment's fault: null at once, no hold-down, EventError TANDEM_ERR_MEDIA_REFUSED`, async () => {
      const sip = fakeSip((inv) => inv.fail(new SipError(status, "x")));
      const { starter, pool, events } = rig(sip);
      assert.equal(await starter.start(request()), null);
      assert.equal(sip.invites.length, 1);
      assert.deepEqual(pool.candidates().map((e) => e.server), ["ms1", "ms2"]);
      assert.deepEqual(events.map((e) => [e.name, e.data["code"]]), [["EventError", "TANDEM_ERR_MEDIA_REFUSED"]]);
    });
  }

  it("every server failing: null, TANDEM_ERR_MEDIA_ALL_FAILED naming what was tried; all held down, so the next call tries all", async () => {
    const sip = fakeSip((inv) => inv.fail(new SipError(503, "x")));
    const { starter, events } = rig(sip);
    assert.equal(await starter.start(request()), null);
    assert.equal(events[0]?.data["code"], "TANDEM_ERR_MEDIA_ALL_FAILED");
    assert.match(String(events[0]?.data["message"]), /10\.0\.0\.1.*10\.0\.0\.2/);
    assert.equal(await starter.start(request()), null);
    assert.equal(sip.invites.length, 4);
  });

  it("no final answer in answerTimeoutMs: the stack's time-out (408, origin timeout) moves on to the next server and holds the first down", async () => {
    // The stack CANCELs at noAnswerTimeoutMs, also when the first 1xx comes later, and ends a 2xx that comes after
    // (test/sip-stack/sipp-outbound*.test.ts, and the sipp media server that only rings in media-server-sipp.test.ts).
    const sip = fakeSip((inv, i) => (i === 0 ? inv.fail(new SipError(408, "No Answer", { origin: "timeout" })) : inv.answer(new FakeLeg("v=0"))));
    const { starter, pool, metrics } = rig(sip, { answerTimeoutMs: 500 });
    assert.equal((await starter.start(request()))?.server, "ms2");
    assert.equal(sip.invites[0]?.options.noAnswerTimeoutMs, 500);
    assert.deepEqual(pool.candidates().map((e) => e.server), ["ms2"]);
    assert.deepEqual(metrics.incs[0]?.labels, { server: "ms1", reason: "timeout" });
  });

  it("abort while the INVITE is out: cancel() and null at once; an answer that comes after gets BYE", async () => {
    const sip = fakeSip();
    const { starter, pool } = rig(sip);
    const controller = new AbortController();
    const pending = starter.start(request({ signal: controller.signal }));
    await tick();
    controller.abort();
    assert.equal(await pending, null);
    assert.equal(sip.invites[0]?.cancels, 1);
    const late = new FakeLeg("v=0");
    sip.invites[0]!.answer(late);
    await tick();
    assert.equal(late.byes, 1, "the 2xx that crossed the CANCEL is ended");
    assert.equal(sip.invites.length, 1, "no other server tried");
    assert.deepEqual(pool.candidates().map((e) => e.server), ["ms1", "ms2"], "no hold-down");
  });

  it("abort before anything is sent: null and no INVITE; no offer: null and no INVITE; unlisted queue without default: null", async () => {
    const sip = fakeSip();
    const { starter } = rig(sip);
    const controller = new AbortController();
    controller.abort();
    assert.equal(await starter.start(request({ signal: controller.signal })), null);
    assert.equal(await starter.start(request({ offer: "" })), null);
    const { starter: noDefault } = rig(sip, { treatments: { queues: { Q2: { play: "http://m/q2.wav" } } } });
    assert.equal(await noDefault.start(request()), null);
    assert.equal(sip.invites.length, 0);
  });

  it("a 2xx without SDP is BYEd and the next server tried; an ANI unfit for a URI leaves From without user", async () => {
    const noSdp = new FakeLeg(undefined);
    const sip = fakeSip((inv, i) => (i === 0 ? inv.answer(noSdp) : inv.answer(new FakeLeg("v=0"))));
    const { starter, metrics } = rig(sip);
    const t = await starter.start(request({ ani: "Anonymous <x>" }));
    assert.equal(t?.server, "ms2");
    assert.equal(noSdp.byes, 1);
    assert.equal(metrics.incs[0]?.labels["reason"], "no-sdp");
    assert.equal(sip.invites[0]?.options.from, "sip:tandem@127.0.0.1:5060;transport=udp");
  });
});

describe("MediaTreatment", { timeout: 300_000 }, () => {
  async function started(config: Partial<MediaServerConfig> = {}, leg = new FakeLeg("v=0")) {
    const sip = fakeSip((inv) => inv.answer(leg));
    const controller = new AbortController();
    const r = rig(sip, config);
    const treatment = await r.starter.start(request({ signal: controller.signal }));
    assert.ok(treatment);
    return { ...r, treatment, leg, controller };
  }

  it("stop() sends one BYE however often it is called; ended does not resolve for our own stop", async () => {
    const { treatment, leg, pool, starter } = await started();
    assert.equal(pool.activeOn("ms1"), 1);
    await Promise.all([treatment.stop(), treatment.stop()]);
    await treatment.stop();
    assert.equal(leg.byes, 1);
    assert.equal(pool.activeOn("ms1"), 0);
    assert.equal(starter.active, 0);
    const raced = await Promise.race([treatment.ended.then(() => "ended"), new Promise((r) => setTimeout(() => r("pending"), 20))]);
    assert.equal(raced, "pending");
  });

  it("ended resolves when the media server hangs up or the leg fails; stop() then never throws", async () => {
    for (const reason of [{ by: "remote" }, { by: "transport" }, { by: "session-timer" }] as LegEndReason[]) {
      const { treatment, leg, pool } = await started();
      leg.end(reason);
      await treatment.ended;
      assert.equal(pool.activeOn("ms1"), 0);
      await treatment.stop();
    }
  });

  it("stop() resolves even when BYE fails", async () => {
    const { treatment } = await started({}, new FakeLeg("v=0", true));
    await treatment.stop();
  });

  it("the signal aborted after the answer sends BYE at once; stopAll() BYEs what still runs", async () => {
    const a = await started();
    a.controller.abort();
    await tick();
    assert.equal(a.leg.byes, 1);
    const b = await started();
    await b.starter.stopAll();
    assert.equal(b.leg.byes, 1);
  });
});
