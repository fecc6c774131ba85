/**
 * Target and From URIs of our requests (messages/uri-cache.ts) come from our own URI parser: the same sip.js
 * `URI` objects sip.js's Grammar built for the forms plugins and the call model give, the same refusals (only a
 * whole SIP or SIPS URI), the host kept as written beside `maddr`, and a fresh copy per call.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Grammar } from "sip.js/lib/core/index.js";
import { parseUri, toUriOf } from "../../core/src/sip/messages/uri-cache.js";

const TARGETS = [
  "sip:1001@127.0.0.1:5070",
  "sip:1001@host.example.com;transport=TCP",
  "sips:agent@10.0.0.1:5061",
  "sip:+4930123@10.0.0.1;user=phone",
  "sip:[::1]:5060",
  "sip:anonymous@anonymous.invalid",
  "sip:a%20b@h",
  "SIP:Bob@Example.COM",
  "sip:1001@127.0.0.1?Subject=hi&X=y",
  "sip:127.0.0.1",
  "<sip:5551234@127.0.0.1:5072;transport=udp>",
];

test("the URIs built are the ones sip.js's Grammar built", { timeout: 180_000 }, () => {
  for (const text of TARGETS) {
    const grammar = Grammar.URIParse(text.replace(/^<|>$/g, ""));
    assert.ok(grammar, text);
    // Handed out as a clone, as before.
    assert.deepStrictEqual(parseUri(text), grammar.clone(), text);
    assert.equal(parseUri(text).toString(), grammar.toString(), `${text}, cached`);
  }
});

test("only a whole SIP or SIPS URI is taken, with the coded error otherwise", { timeout: 180_000 }, () => {
  for (const text of ["tel:123", "garbage", "sip:1001@127.0.0.1:5070 trailing", "sip:1001@", "", "mailto:a@b"]) {
    assert.throws(() => parseUri(text), { code: "TANDEM_ERR_SIP_BAD_TARGET" }, text);
  }
});

test("maddr leaves the host as written; each call gets its own copy", { timeout: 180_000 }, () => {
  assert.equal(parseUri("sip:1001@127.0.0.1:5070;lr;maddr=1.2.3.4").host, "127.0.0.1");
  const first = parseUri("sip:2001@127.0.0.1:5070;transport=udp");
  first.setParam("transport", "tcp");
  first.user = "changed";
  assert.equal(parseUri("sip:2001@127.0.0.1:5070;transport=udp").toString(), "sip:2001@127.0.0.1:5070;transport=udp");
  assert.equal(toUriOf("sip:2001@127.0.0.1:5070;transport=udp?X=y").toString(), "sip:2001@127.0.0.1:5070");
});
