/**
 * Stream framing (RFC 3261 §18.3: Content-Length in bytes, mandatory on streams) and keep-alives
 * (RFC 5626 §4.4.1: CRLFCRLF ping, CRLF pong), fed in every possible split and coalesced.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StreamFramer, readContentLength } from "../../core/src/sip/transport/stream-framer.js";

function collect(limits?: { maxHeaderBytes: number; maxContentLength: number }) {
  const out = { messages: [] as string[], pings: 0, errors: [] as string[] };
  const framer = new StreamFramer(
    {
      message: (b) => out.messages.push(b.toString("utf8")),
      ping: () => out.pings++,
      error: (r) => out.errors.push(r),
    },
    limits,
  );
  return { framer, out };
}

const BODY = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=é€\r\n"; // multi-byte characters: length ≠ bytes
const MSG1 = `INVITE sip:1001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK1\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;
const MSG2 = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bK2\r\nl: 0\r\n\r\n";

describe("StreamFramer (RFC 3261 §18.3)", { timeout: 300_000 }, () => {
  it("frames a body by bytes, not characters", () => {
    assert.notEqual(BODY.length, Buffer.byteLength(BODY));
    const { framer, out } = collect();
    framer.push(Buffer.from(MSG1 + MSG2));
    assert.deepEqual(out.messages, [MSG1, MSG2]);
    assert.equal(framer.buffered, 0);
  });

  it("tells part of a message from a keep-alive still waiting for its next byte", () => {
    assert.equal(collect().framer.holdsPartialMessage, false);
    for (const waiting of ["\r", "\r\n", "\r\n\r"]) {
      const f = collect().framer;
      f.push(Buffer.from(waiting));
      assert.equal(f.holdsPartialMessage, false, JSON.stringify(waiting));
    }
    const bytes = Buffer.from(MSG1);
    for (const cut of [1, 10, MSG1.indexOf("\r\n\r\n") + 2, bytes.length - 1]) {
      const f = collect().framer;
      f.push(bytes.subarray(0, cut));
      assert.equal(f.holdsPartialMessage, true, `cut at ${cut}`);
      f.push(bytes.subarray(cut));
      assert.equal(f.holdsPartialMessage, false, `whole after cut at ${cut}`);
    }
  });

  it("reassembles a message split at every byte position", () => {
    const bytes = Buffer.from(MSG1 + "\r\n\r\n" + MSG2);
    for (let cut = 1; cut < bytes.length; cut++) {
      const { framer, out } = collect();
      framer.push(bytes.subarray(0, cut));
      framer.push(bytes.subarray(cut));
      assert.deepEqual(out.messages, [MSG1, MSG2], `cut at ${cut}`);
      assert.equal(out.pings, 1, `cut at ${cut}`);
      assert.deepEqual(out.errors, []);
    }
  });

  it("reassembles a stream fed one byte at a time", () => {
    const { framer, out } = collect();
    for (const b of Buffer.from(MSG2 + MSG1 + MSG2)) framer.push(Buffer.from([b]));
    assert.deepEqual(out.messages, [MSG2, MSG1, MSG2]);
  });

  it("answers each CRLFCRLF ping (RFC 5626 §4.4.1) and eats lone CRLFs (§7.5 empty lines)", () => {
    const { framer, out } = collect();
    framer.push(Buffer.from("\r\n\r\n\r\n\r\n"));
    assert.equal(out.pings, 2);
    framer.push(Buffer.from("\r\n" + MSG2));
    assert.deepEqual(out.messages, [MSG2]);
    assert.equal(out.pings, 2);
  });

  it("a missing Content-Length on a stream is a framing error", () => {
    const { framer, out } = collect();
    framer.push(Buffer.from("OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK3\r\n\r\n"));
    assert.equal(out.errors.length, 1);
    assert.match(out.errors[0] ?? "", /missing Content-Length/);
    framer.push(Buffer.from(MSG2));
    assert.deepEqual(out.messages, [], "nothing after a framing error");
  });

  it("rejects malformed, conflicting and oversized Content-Length values", () => {
    for (const [header, reason] of [
      ["Content-Length: abc", /malformed/],
      ["Content-Length: -1", /malformed/],
      ["Content-Length: 5\r\nContent-Length: 6", /malformed/],
      ["Content-Length: 99999999", /over the limit/],
    ] as const) {
      const { framer, out } = collect({ maxHeaderBytes: 1024, maxContentLength: 65536 });
      framer.push(Buffer.from(`OPTIONS sip:a SIP/2.0\r\n${header}\r\n\r\n`));
      assert.equal(out.errors.length, 1, header);
      assert.match(out.errors[0] ?? "", reason);
    }
  });

  it("caps the header section even before CRLFCRLF arrives", () => {
    const { framer, out } = collect({ maxHeaderBytes: 1024, maxContentLength: 65536 });
    framer.push(Buffer.from("OPTIONS sip:a SIP/2.0\r\n"));
    for (let i = 0; i < 40 && out.errors.length === 0; i++) framer.push(Buffer.from(`X-Junk: ${"a".repeat(40)}\r\n`));
    assert.match(out.errors[0] ?? "", /header section too large/);
  });

  it("readContentLength finds the compact form and ignores other headers", () => {
    assert.equal(readContentLength("SIP/2.0 200 OK\r\nX-Content-Length: 9\r\nl : 12\r\n"), 12);
    assert.equal(readContentLength("SIP/2.0 200 OK\r\nCall-ID: x\r\n"), -1);
  });
});
