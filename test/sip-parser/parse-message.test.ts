/**
 * The parser's own rules: validation (RFC 3261 §7, §8.1.1, §18.3, §20), framing in octets, the coded errors and
 * what a 400 needs, the no-Grammar hot path, and that no input makes it throw.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { IncomingRequestMessage, IncomingResponseMessage, NameAddrHeader, URI } from "sip.js/lib/core/index.js";
import { headerize } from "sip.js/lib/core/messages/utils.js";
import { SipParseErrors } from "../../core/src/sip/parser/errors.js";
import { headerKey } from "../../core/src/sip/parser/header-names.js";
import { MAX_HEADER_BYTES, MAX_MESSAGE_BYTES, parseSipMessage, type ParseOutcome, type SipParseError } from "../../core/src/sip/parser/parse-message.js";
import { CORPUS, CUCM_INVITE } from "../fixtures/sip/corpus.js";
import { Random } from "./message-generator.js";
import { countGrammarCalls } from "./sipjs-reference.js";

const P = "TANDEM_ERR_SIP_PARSE_";

function request(extra: string[] = [], options: { body?: string; drop?: string[]; startLine?: string } = {}): string {
  const body = options.body ?? "";
  const lines = [
    options.startLine ?? "INVITE sip:4001@10.0.0.1 SIP/2.0",
    "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKt1",
    "From: <sip:1001@10.0.0.2>;tag=a",
    "To: <sip:4001@10.0.0.1>",
    "Call-ID: t1@10.0.0.2",
    "CSeq: 1 INVITE",
    "Max-Forwards: 70",
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...extra,
  ].filter((line) => !options.drop?.some((name) => line.startsWith(name + ":")));
  return lines.join("\r\n") + "\r\n\r\n" + body;
}

function parse(text: string | Buffer, datagram = true): ParseOutcome {
  return parseSipMessage(typeof text === "string" ? Buffer.from(text, "utf8") : text, { datagram });
}

function ok(text: string | Buffer, datagram = true): IncomingRequestMessage | IncomingResponseMessage {
  const outcome = parse(text, datagram);
  assert.ok(outcome.ok, outcome.ok ? "" : `${outcome.error.code}: ${outcome.error.reason}`);
  return outcome.message;
}

function error(text: string | Buffer, datagram = true): SipParseError {
  const outcome = parse(text, datagram);
  assert.equal(outcome.ok, false, "expected a parse error");
  return (outcome as { error: SipParseError }).error;
}

describe("parseSipMessage: objects sip.js's core reads", { timeout: 300_000 }, () => {
  it("builds sip.js's own classes with the start line and core headers pre-parsed", () => {
    const m = ok(CUCM_INVITE) as IncomingRequestMessage;
    assert.ok(m instanceof IncomingRequestMessage);
    assert.ok(m.ruri instanceof URI && m.from instanceof NameAddrHeader && m.to instanceof NameAddrHeader);
    assert.equal(m.method, "INVITE");
    assert.equal(m.ruri.user, "4001");
    assert.equal(m.viaBranch, "z9hG4bK2b7f1a3c45d1e");
    assert.equal(m.fromTag, "97235~a0f8c1c3-23e5-4f4a-8d2e-6b1c7e2f9a10-30521456");
    assert.equal(m.toTag, undefined);
    assert.equal(m.cseq, 101);
    assert.equal(m.callId, "8a4f2c00-1e81c2a2-5d3-b0a0a0a@10.10.1.11");
    assert.ok(m.parseHeader("contact") instanceof NameAddrHeader);
    assert.equal(m.getHeaders("supported").length, 2);
    assert.equal(m.getHeader("cisco-guid"), "2320444416-0000065536-0000000175-2936080906");
    const refer = ok(request(["Refer-To: <sip:2002@10.0.0.1?Replaces=x%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>"]));
    assert.equal((refer as unknown as { referTo: NameAddrHeader }).referTo.uri.getHeader("replaces")?.[0], "x%40h%3Bto-tag%3D1%3Bfrom-tag%3D2");
    assert.ok(m.body.startsWith("v=0\r\n"));
  });

  it("stores headers under the key sip.js's headerize() gives (irregular names, _ and case included)", () => {
    const r = new Random(7);
    const alphabet = "aBcDxYz-_.!%*+`'~019";
    const names = ["call-id", "CSEQ", "min-se", "rack", "RSeq", "www-authenticate", "X_Custom_Header", "p-asserted-identity", "-x-", "a--b"];
    for (let i = 0; i < 2000; i++) names.push(Array.from({ length: 1 + r.int(12) }, () => r.pick([...alphabet])).join(""));
    for (const name of names) assert.equal(headerKey(name), headerize(name), name);
  });

  it("the compiled header-object shape (after a sequence repeats) builds the same plain object as the slow path", () => {
    const text = request(["X-Shape-Test-A: 1", "X-Shape-Test-B: 2", "X-Shape-Test-A: 3"]);
    const first = ok(text);
    const later = [ok(text), ok(text), ok(text)];
    for (const m of later) {
      assert.deepStrictEqual(m.headers, first.headers);
      assert.equal(Object.getPrototypeOf(m.headers), Object.prototype);
      assert.deepEqual(Object.keys(m.headers), Object.keys(first.headers));
    }
    assert.deepEqual(later[2]?.getHeaders("x-shape-test-a"), ["1", "3"]);
    assert.notEqual(later[1]?.headers["Via"], later[2]?.headers["Via"], "no list is shared between messages");
  });

  it("responses carry statusCode, reasonPhrase and the CSeq method", () => {
    const m = ok(CORPUS["200-invite"] ?? "") as IncomingResponseMessage;
    assert.ok(m instanceof IncomingResponseMessage);
    assert.equal(m.statusCode, 200);
    assert.equal(m.reasonPhrase, "OK");
    assert.equal(m.method, "INVITE");
    assert.deepEqual(m.getHeaders("record-route"), ["<sip:10.10.1.12:5060;transport=tcp;lr>", "<sip:10.10.1.11:5060;transport=tcp;lr>"]);
  });

  it("sip.js's Grammar runs 0 times while parsing the corpus and reading every field the core reads", () => {
    const { calls } = countGrammarCalls(() => {
      for (const text of Object.values(CORPUS)) {
        const m = ok(text);
        for (const name of ["from", "to", "call-id", "cseq", "content-type"]) if (m.hasHeader(name)) assert.ok(m.parseHeader(name), name);
        assert.ok(m.parseHeader("via") && m.via);
        for (const name of ["contact", "record-route", "route", "event", "subscription-state", "content-disposition"]) {
          for (let i = 0; i < m.getHeaders(name).length; i++) assert.notEqual(m.parseHeader(name, i), undefined, name);
        }
        // Numbers are pre-parsed too, but read them from the entry: sip.js's parseHeader() treats a parsed 0 as
        // "not parsed" and runs its grammar again (and for Expires, which it has no rule for, deletes the header).
        for (const key of ["Content-Length", "Max-Forwards", "Expires"]) {
          for (const entry of m.headers[key] ?? []) assert.equal(typeof entry.parsed, "number", key);
        }
      }
    });
    assert.equal(calls, 0);
  });

  it("expands all compact forms (RFC 3261 §7.3.3 and extensions) and unfolds folded values (§7.3.1)", () => {
    const m = ok(
      request(["o: presence", "u: presence, dialog", "k: timer", "s: hi", "e: gzip", "c: text/plain", "x: 1800", "r: <sip:x@y>", "b: <sip:z@y>", "y: abc", "n: <https://x>", "a: *;audio", "j: *;video", "d: proxy", "Subject: one\r\n  two,\r\n\tthree"]),
    );
    assert.deepEqual(m.parseHeader("event"), { event: "presence" });
    for (const [key, value] of [["Allow-Events", "presence, dialog"], ["Supported", "timer"], ["Subject", "one two, three"], ["Content-Encoding", "gzip"], ["Content-Type", "text/plain"], ["Session-Expires", "1800"], ["Refer-To", "<sip:x@y>"], ["Referred-By", "<sip:z@y>"], ["Identity", "abc"], ["Identity-Info", "<https://x>"], ["Accept-Contact", "*;audio"], ["Reject-Contact", "*;video"], ["Request-Disposition", "proxy"]]) {
      assert.ok(m.getHeaders(key ?? "").includes(value ?? ""), `${key}: ${m.getHeaders(key ?? "").join("|")}`);
    }
  });

  it("Subscription-State keeps expires, reason, retry-after (numbers) and other params, as sip.js shapes them", () => {
    const m = ok(request(["Subscription-State: terminated;reason=giveup;retry_after=30;retry-after=40;expires=0;x=1"]));
    assert.deepEqual(m.parseHeader("subscription-state"), { state: "terminated", reason: "giveup", retry_after: 30, expires: 0, params: { "retry-after": "40", x: "1" } });
    const standard = ok(request(["Subscription-State: terminated;reason=probation;retry-after=40"]));
    assert.deepEqual(standard.parseHeader("subscription-state"), { state: "terminated", reason: "probation", retry_after: 40, params: { "retry-after": "40" } });
  });

  it("frames the body in octets (UTF-8), ignores trailing octets of a datagram, takes the rest without Content-Length", () => {
    const body = "Zoë – prêt ✓\r\n";
    const m = ok(request(["Content-Type: text/plain"], { body }) + "GARBAGE");
    assert.equal(m.body, body);
    const outcome = parse(request(["Content-Type: text/plain"], { body }) + "GARBAGE");
    assert.ok(outcome.ok && outcome.size === Buffer.byteLength(request(["Content-Type: text/plain"], { body })));
    const noLength = request(["Content-Type: text/plain"], { drop: ["Content-Length"] }) + "rest of the datagram";
    assert.equal(ok(noLength).body, "rest of the datagram");
  });

  it("over a stream, Content-Length is mandatory (RFC 3261 §18.3, §20.14)", () => {
    const e = error(request([], { drop: ["Content-Length"] }), false);
    assert.equal(e.code, P + "MISSING_HEADER");
    assert.match(e.reason, /Content-Length/);
  });

  it("ignores CRLFs before the start line (RFC 3261 §7.5)", () => {
    assert.equal((ok("\r\n\r\n" + request()) as IncomingRequestMessage).method, "INVITE");
  });

  it("accepts a NUL escaped inside a quoted string, rejects one elsewhere", () => {
    ok(request([]).replace("From: <sip", 'From: "a\\\u0000b" <sip'));
    assert.equal(error(request(["X-Bad: a\u0000b"])).code, P + "NUL");
  });
});

describe("parseSipMessage: validation and coded errors", { timeout: 300_000 }, () => {
  const cases: Array<[string, string, string, number?]> = [
    ["missing To", request([], { drop: ["To"] }), "MISSING_HEADER"],
    ["missing From", request([], { drop: ["From"] }), "MISSING_HEADER"],
    ["missing Call-ID", request([], { drop: ["Call-ID"] }), "MISSING_HEADER"],
    ["missing CSeq", request([], { drop: ["CSeq"] }), "MISSING_HEADER"],
    ["missing Via", request([], { drop: ["Via"] }), "MISSING_HEADER"],
    ["missing Max-Forwards (RFC 3261 request)", request([], { drop: ["Max-Forwards"] }), "MISSING_HEADER"],
    // RFC 3261 §7.4.1; sip.js would throw inside a dialog constructor and leave a timer that crashes the process.
    ["a body without Content-Type", request([], { body: "v=0\r\n" }), "MISSING_HEADER"],
    ["CSeq 2^31", request([]).replace("CSeq: 1 INVITE", "CSeq: 2147483648 INVITE"), "CSEQ"],
    ["CSeq without method", request([]).replace("CSeq: 1 INVITE", "CSeq: 1"), "CSEQ"],
    ["CSeq method mismatch", request([]).replace("CSeq: 1 INVITE", "CSeq: 1 BYE"), "CSEQ_METHOD"],
    ["negative Content-Length", request([]).replace("Content-Length: 0", "Content-Length: -1"), "CONTENT_LENGTH"],
    ["non-numeric Content-Length", request([]).replace("Content-Length: 0", "Content-Length: five"), "CONTENT_LENGTH"],
    ["Content-Length beyond the data", request([]).replace("Content-Length: 0", "Content-Length: 10"), "TRUNCATED_BODY"],
    ["Max-Forwards 256", request([]).replace("Max-Forwards: 70", "Max-Forwards: 256"), "MAX_FORWARDS"],
    ["unterminated quote", request([]).replace("From: <sip", 'From: "Alice <sip'), "QUOTE"],
    ["SIP/3.0", request([], { startLine: "INVITE sip:4001@10.0.0.1 SIP/3.0" }), "VERSION", 505],
    ["two SP in the Request-Line", request([], { startLine: "INVITE  sip:4001@10.0.0.1 SIP/2.0" }), "REQUEST_LINE"],
    ["bad Request-URI", request([], { startLine: "INVITE sip:@@ SIP/2.0" }), "REQUEST_LINE"],
    ["header line without colon", request(["NoColonHere"]), "HEADER_LINE"],
    ["bare LF", request(["X-A: 1\nX-B: 2"]), "HEADER_LINE"],
    ["two To", request(["To: <sip:x@y>"]), "DUPLICATE_HEADER"],
    ["bad Via", request([]).replace("SIP/2.0/UDP 10.0.0.2:5060", "SIP/2.0 10.0.0.2"), "HEADER_VALUE"],
    ["bad Contact", request(["Contact: <sip:a@b"]), "HEADER_VALUE"],
    ["binary start line", "\u0001\u0002\u0003\r\nVia: x\r\n\r\n", "NOT_SIP"],
    ["an HTTP request", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "NOT_SIP"],
    ["no empty line", "INVITE sip:a@b SIP/2.0\r\nVia: x", "NO_HEADER_END"],
  ];
  for (const [name, text, code, status] of cases) {
    it(`${name} → ${code}`, () => {
      const e = error(text);
      assert.equal(e.code, P + code, e.reason);
      assert.equal(e.status, status ?? 400);
      assert.match(e.reason, /^[\x20-\x7e]{1,80}$/);
    });
  }

  it("the SIP-Version is case-insensitive (RFC 3261 §7.1)", () => {
    ok(request([], { startLine: "INVITE sip:4001@10.0.0.1 sip/2.0" }));
    assert.equal((ok(request([]).replace("INVITE sip:4001@10.0.0.1 SIP/2.0", "sip/2.0 180 Ringing")) as IncomingResponseMessage).statusCode, 180);
  });

  it("Max-Forwards 255 and CSeq 2^31-1 are fine; an RFC 2543 request (no branch cookie) needs no Max-Forwards", () => {
    ok(request([]).replace("Max-Forwards: 70", "Max-Forwards: 255").replace("CSeq: 1 INVITE", "CSeq: 2147483647 INVITE"));
    ok(request([], { drop: ["Max-Forwards"] }).replace(";branch=z9hG4bKt1", ""));
  });

  it("a respondable error carries the raw Via list, From, To, Call-ID and CSeq (RFC 3261 §8.2)", () => {
    const text = request(["Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp"]).replace("Max-Forwards: 70", "Max-Forwards: 999");
    const e = error(text);
    assert.deepEqual(e.respondable, {
      via: ["SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKt1", "SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp"],
      from: "<sip:1001@10.0.0.2>;tag=a",
      to: "<sip:4001@10.0.0.1>",
      callId: "t1@10.0.0.2",
      cseq: "1 INVITE",
    });
    assert.equal(e.isRequest, true);
  });

  it("a request missing Call-ID, From, To or CSeq is answerable in part when its top Via parses (RFC 3261 §18.2.2)", () => {
    const e = error(request([], { drop: ["Call-ID"] }));
    assert.equal(e.respondable, undefined);
    assert.deepEqual(e.partial, { via: ["SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKt1"], from: "<sip:1001@10.0.0.2>;tag=a", to: "<sip:4001@10.0.0.1>", cseq: "1 INVITE" });
    for (const header of ["From", "To", "CSeq"]) assert.ok(error(request([], { drop: [header] })).partial, header);
    const badVia = error(request([], { drop: ["Call-ID"] }).replace("SIP/2.0/UDP 10.0.0.2:5060", "SIP/2.0/UDP"));
    assert.equal(badVia.partial, undefined, "a Via without sent-by cannot take a response");
    assert.equal(error(request([], { drop: ["Call-ID", "Via"] })).partial, undefined);
    assert.equal(error(request([]).replace("Max-Forwards: 70", "Max-Forwards: 999")).partial, undefined, "never set beside respondable");
  });

  it("a malformed response is never respondable", () => {
    const e = error("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x\r\nCSeq: 99999999999 INVITE\r\n\r\n");
    assert.equal(e.isRequest, false);
    assert.equal(e.respondable, undefined);
  });

  it("refuses oversized messages and header sections with 513", () => {
    const huge = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x41);
    assert.equal(error(huge).code, P + "TOO_LARGE");
    assert.equal(error(huge).status, 513);
    const bigHeader = request([`X-Big: ${"a".repeat(MAX_HEADER_BYTES)}`]);
    assert.equal(error(bigHeader).code, P + "TOO_LARGE");
    const noEnd = Buffer.from("INVITE sip:a@b SIP/2.0\r\nX: " + "b".repeat(MAX_HEADER_BYTES + 10));
    assert.equal(error(noEnd).code, P + "TOO_LARGE");
  });

  it("caps the work of one message: header fields, Contact/Route values, parameters (513)", () => {
    const fields = request(Array.from({ length: 300 }, (_, i) => `X-${i}: a`));
    const contacts = request([`Contact: ${Array(200).fill("<sip:a@b>").join(",")}`]);
    const params = request([`Contact: <sip:a@b>${";p".repeat(1100)}`]);
    for (const [text, what] of [[fields, /header fields/], [contacts, /Contact\/Route values/], [params, /parameters/]] as const) {
      const e = error(text);
      assert.equal(e.code, P + "TOO_LARGE");
      assert.equal(e.status, 513);
      assert.match(e.reason, what);
      assert.ok(e.respondable, "the 513 can still be answered");
    }
    ok(request(Array.from({ length: 200 }, (_, i) => `X-${i}: a`)));
  });

  it("stays linear on hostile whitespace (folds and errors over 60 KB of spaces)", () => {
    const spaces = " ".repeat(30_000);
    const started = process.hrtime.bigint();
    ok(request([`Subject: a${spaces}\r\n${spaces}b`]));
    assert.equal(error(request([`Subject: a${spaces}\r\n${spaces}b`, "Broken line"])).code, P + "HEADER_LINE");
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(ms < 250, `took ${ms} ms`);
  });

  it("never throws: thousands of truncated, mutated and garbage inputs give an outcome", () => {
    const r = new Random(4475);
    const seeds = Object.values(CORPUS).map((text) => Buffer.from(text, "utf8"));
    let rejected = 0;
    for (let i = 0; i < 5000; i++) {
      const seed = r.pick(seeds);
      let data: Buffer;
      switch (r.int(5)) {
        case 0:
          data = seed.subarray(0, r.int(seed.length));
          break;
        case 1:
          data = Buffer.from(seed);
          for (let k = 1 + r.int(8); k > 0; k--) data[r.int(data.length)] = r.int(256);
          break;
        case 2:
          data = Buffer.concat([seed.subarray(0, r.int(seed.length)), Buffer.from(r.pick([";", ",", "<", ">", '"', "\r\n", " ", ":", "%", "[", "\u0000"])), seed.subarray(r.int(seed.length))]);
          break;
        case 3:
          data = Buffer.from(Array.from({ length: r.int(300) }, () => r.int(256)));
          break;
        default:
          data = Buffer.from(seed.toString("latin1").replace(/Content-Length: \d+/, `Content-Length: ${r.pick(["-1", "99999999999999999999", "", "1e3", "0x10", "  7  "])}`), "latin1");
      }
      let outcome: ParseOutcome | undefined;
      assert.doesNotThrow(() => {
        outcome = parseSipMessage(data, { datagram: r.chance(0.5) });
      });
      assert.ok(outcome && typeof outcome.ok === "boolean");
      if (!outcome.ok) {
        rejected++;
        assert.match(outcome.error.code, /^TANDEM_ERR_SIP_PARSE_/);
        assert.notEqual(outcome.error.code, P + "INTERNAL", `internal failure: ${outcome.error.reason}`);
      }
    }
    assert.ok(rejected > 1000);
  });
});

describe("sip-parser error codes", { timeout: 300_000 }, () => {
  it("every code is documented in docs/errors.md under ## sip-parser", () => {
    const docs = readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), "../../docs/errors.md"), "utf8");
    const section = docs.slice(docs.indexOf("## sip-parser"));
    const end = section.indexOf("\n## ", 3);
    const table = end > 0 ? section.slice(0, end) : section;
    for (const factory of Object.values(SipParseErrors)) assert.ok(table.includes(`| \`${factory.code}\` |`), factory.code);
    const documented = [...table.matchAll(/\| `(TANDEM_ERR_[A-Z0-9_]+)` \|/g)].map((m) => m[1]);
    assert.deepEqual(documented.sort(), Object.values(SipParseErrors).map((f) => f.code).sort());
  });
});
