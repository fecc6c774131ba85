/**
 * Values a dialog keeps for its life are copies, not slices of the message text (flat-string.ts): Content-Type
 * values are shared through a bounded table, a response's To-tag is copied. Identity is not observable from
 * JavaScript, so this checks that the values stay exactly right, past the table's bound too.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { IncomingRequestMessage, IncomingResponseMessage } from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../../core/src/sip/parser/parse-message.js";
import { flat } from "../../core/src/sip/flat-string.js";

function parse(text: string): IncomingRequestMessage | IncomingResponseMessage {
  const outcome = parseSipMessage(Buffer.from(text));
  if (!outcome.ok) throw new Error(outcome.error.reason);
  return outcome.message;
}

function response(contentType: string, toTag: string): string {
  const body = "v=0\r\n";
  return [
    "SIP/2.0 200 OK",
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-retained-1",
    "From: <sip:a@192.0.2.1>;tag=from-tag-0123456789",
    `To: <sip:b@192.0.2.2>;tag=${toTag}`,
    "Call-ID: retained-values-call",
    "CSeq: 1 INVITE",
    "Contact: <sip:b@192.0.2.2>",
    `Content-Type: ${contentType}`,
    `Content-Length: ${body.length}`,
    "",
    body,
  ].join("\r\n");
}

describe("values kept for a dialog's life", { timeout: 300_000 }, () => {
  it("Content-Type is exact, for more distinct values than the shared table holds", () => {
    for (let i = 0; i < 150; i++) {
      const type = i % 3 === 0 ? "application/sdp" : `application/x-test-${i};charset=UTF-8`;
      const message = parse(response(type, `to-tag-${i}-abcdefghij`));
      assert.equal(message.getHeader("Content-Type"), type);
      assert.equal(message.headers["Content-Type"]?.[0]?.parsed, type);
    }
  });

  it("a response's To-tag is the tag of its To header; a request's tags are unchanged", () => {
    const message = parse(response("application/sdp", "a-long-to-tag-0123456789abcdef"));
    assert.equal(message.toTag, "a-long-to-tag-0123456789abcdef");
    assert.equal(message.to.getParam("tag"), "a-long-to-tag-0123456789abcdef");
    assert.equal(message.fromTag, "from-tag-0123456789");
  });

  it("flat() returns the same characters, Unicode included", () => {
    const text = "x".repeat(20) + "é€😀" + "y".repeat(20);
    for (const s of ["", "short", text, text.slice(5, 40), `${text}${text}`]) assert.equal(flat(s), s);
  });
});
