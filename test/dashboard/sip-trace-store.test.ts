/** The SIP trace store: bounded by Call-IDs, messages per Call-ID and age; labels read from the messages. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { resolveSipTraceConfig, SipTraceStore, type SipTraceConfig } from "../../core/src/sip-trace/index.js";

const invite = (callId: string): string =>
  `INVITE sip:5000@127.0.0.1 SIP/2.0\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\nContent-Length: 4\r\n\r\nv=0\n`;
const ringing = (callId: string): Buffer => Buffer.from(`SIP/2.0 180 Ringing\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`);

function store(config: Partial<SipTraceConfig>): { trace: SipTraceStore; clock: { now: number } } {
  const clock = { now: 1_700_000_000_000 };
  return { trace: new SipTraceStore(resolveSipTraceConfig(config), () => clock.now), clock };
}

describe("SIP trace store", { timeout: 300_000 }, () => {
  it("keeps each Call-ID's messages in time order across legs, with method, status and peer", () => {
    const { trace, clock } = store({});
    trace.record("in", "a", invite("a"), "udp:127.0.0.1:5070");
    clock.now += 5;
    trace.record("out", "b", invite("b"), "udp:127.0.0.1:5080");
    clock.now += 20;
    trace.record("in", "b", ringing("b"), "udp:127.0.0.1:5080");
    const { messages, dropped } = trace.read(["a", "b", "unknown"]);
    assert.equal(dropped, 0);
    assert.deepEqual(
      messages.map((m) => [m.sipCallId, m.direction, m.label, m.method, m.status, m.peer, m.atMs - 1_700_000_000_000]),
      [
        ["a", "in", "INVITE", "INVITE", undefined, "udp:127.0.0.1:5070", 0],
        ["b", "out", "INVITE", "INVITE", undefined, "udp:127.0.0.1:5080", 5],
        ["b", "in", "180 Ringing", "INVITE", 180, "udp:127.0.0.1:5080", 25],
      ],
    );
    assert.match(messages[0]?.text ?? "", /v=0/);
  });

  it("forgets the oldest Call-ID past maxCalls", () => {
    const { trace } = store({ maxCalls: 2 });
    for (const id of ["a", "b", "c"]) trace.record("in", id, invite(id), "udp:127.0.0.1:1");
    assert.equal(trace.size, 2);
    assert.deepEqual(trace.read(["a", "b", "c"]).messages.map((m) => m.sipCallId), ["b", "c"]);
  });

  it("counts messages past maxMessagesPerCall instead of keeping them", () => {
    const { trace } = store({ maxMessagesPerCall: 2 });
    for (let i = 0; i < 5; i++) trace.record("in", "a", invite("a"), "udp:127.0.0.1:1");
    const { messages, dropped } = trace.read(["a"]);
    assert.deepEqual([messages.length, dropped], [2, 3]);
  });

  it("forgets a Call-ID quiet for longer than retentionMinutes", () => {
    const { trace, clock } = store({ retentionMinutes: 1 });
    trace.record("in", "old", invite("old"), "udp:127.0.0.1:1");
    clock.now += 61_000;
    assert.equal(trace.read(["old"]).messages.length, 0, "past retention: not served");
    trace.record("in", "new", invite("new"), "udp:127.0.0.1:1");
    assert.equal(trace.size, 1, "and evicted when the next Call-ID comes");
  });

  it("leaves bodies out when includeBodies is false, from strings and buffers alike", () => {
    const { trace } = store({ includeBodies: false });
    trace.record("out", "a", invite("a"), "udp:127.0.0.1:1");
    trace.record("in", "a", Buffer.from(invite("a")), "udp:127.0.0.1:1");
    for (const m of trace.read(["a"]).messages) {
      assert.ok(m.text.endsWith("Content-Length: 4\r\n\r\n"), m.text);
      assert.doesNotMatch(m.text, /v=0/);
    }
  });

  it("copies a received buffer, so a reused stream chunk cannot change what was traced", () => {
    const { trace } = store({});
    const chunk = Buffer.from(invite("a"));
    trace.record("in", "a", chunk, { transport: "tcp", remoteAddress: "127.0.0.1", remotePort: 5070 });
    chunk.fill(0x20);
    const [message] = trace.read(["a"]).messages;
    assert.match(message?.text ?? "", /^INVITE sip:5000/);
    assert.equal(message?.peer, "tcp:127.0.0.1:5070");
  });

  it("offers no tap when disabled, so the SIP stack records nothing", () => {
    assert.equal(store({ enabled: false }).trace.tap(), undefined);
    const { trace } = store({});
    trace.tap()?.("out", "x", invite("x"), { transport: "tcp", address: "127.0.0.1", port: 5090 });
    assert.equal(trace.read(["x"]).messages[0]?.peer, "tcp:127.0.0.1:5090");
  });
});
