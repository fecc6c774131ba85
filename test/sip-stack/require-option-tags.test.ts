/**
 * RFC 3261 §8.2.2.3 / §20.32 / §20.40: reading the option tags of `Require` (several header lines, comma
 * lists, case, whitespace, empty items), deciding which we do not understand, and the 420 text with
 * `Unsupported` and our response `Supported` list.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { IncomingRequestMessage } from "sip.js/lib/core/index.js";
import {
  SUPPORTED_IN_REQUESTS,
  SUPPORTED_IN_RESPONSES,
  requiredTags,
  unsupportedTags,
} from "../../core/src/sip/stack/option-tags.js";
import { parse } from "../../core/src/sip/stack/lower-layers.js";
import { replyText } from "../../core/src/sip/stack/stateless-replies.js";

function request(headers: string[]): IncomingRequestMessage {
  const text = [
    "INVITE sip:1001@127.0.0.1:5060 SIP/2.0",
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-require-1",
    "From: <sip:a@127.0.0.1>;tag=abc",
    "To: <sip:1001@127.0.0.1>",
    "Call-ID: require-test-1",
    "CSeq: 1 INVITE",
    "Contact: <sip:a@127.0.0.1:5070>",
    "Max-Forwards: 70",
    ...headers,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  const outcome = parse(Buffer.from(text), true);
  assert.ok(outcome.ok, "test request must parse");
  assert.ok(outcome.message instanceof IncomingRequestMessage);
  return outcome.message;
}

describe("Require option tags", { timeout: 300_000 }, () => {
  it("reads comma lists over several header lines, trimmed, each tag once", () => {
    assert.deepEqual(requiredTags(["foo, timer", " bar ,foo", "TIMER"]), ["foo", "timer", "bar"]);
    assert.deepEqual(requiredTags([" 100rel\t"]), ["100rel"]);
  });

  it("skips empty values and empty items", () => {
    assert.deepEqual(requiredTags([]), []);
    assert.deepEqual(requiredTags([""]), []);
    assert.deepEqual(requiredTags([" , ,", "timer,,"]), ["timer"]);
  });

  it("understands timer and 100rel in any case, and nothing else", () => {
    assert.deepEqual(unsupportedTags(["timer", "100REL", "Timer"]), []);
    assert.deepEqual(unsupportedTags(["foo, timer"]), ["foo"]);
    assert.deepEqual(unsupportedTags(["Foo", "timer, bar", "foo"]), ["Foo", "bar"]);
    assert.deepEqual(unsupportedTags(["replaces", "precondition"]), ["replaces", "precondition"]);
    assert.deepEqual(unsupportedTags([""]), []);
  });

  it("keeps tags the parser hands over from several Require lines", () => {
    const m = request(["Require: foo, timer", "require:   BAR ", "Proxy-Require: sec-agree"]);
    assert.equal(m.getHeaders("require").length, 2);
    assert.deepEqual(unsupportedTags(m.getHeaders("require")), ["foo", "BAR"]);
    // Proxy-Require is for proxies (RFC 3261 §20.29): not read as Require.
    assert.deepEqual(unsupportedTags(request(["Proxy-Require: sec-agree"]).getHeaders("require")), []);
  });

  it("advertises timer in requests and timer, 100rel in responses", () => {
    assert.deepEqual([...SUPPORTED_IN_REQUESTS], ["timer"]);
    assert.deepEqual([...SUPPORTED_IN_RESPONSES], ["timer", "100rel"]);
  });

  it("builds the 420 with Unsupported and our response Supported list", () => {
    const text = replyText(request(["Require: foo, timer"]), 420, "Bad Extension", ["Unsupported: foo"]);
    assert.match(text, /^SIP\/2\.0 420 Bad Extension\r\n/);
    assert.match(text, /\r\nUnsupported: foo\r\n/);
    assert.match(text, /\r\nSupported: timer, 100rel\r\n/);
    assert.match(text, /\r\nTo: <sip:1001@127\.0\.0\.1>;tag=\S+\r\n/);
  });
});
