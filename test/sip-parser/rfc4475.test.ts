/**
 * RFC 4475 torture messages through the parser (read from disk; nothing is sent, so no network namespace is
 * needed here). INDEX.tsv says valid/invalid; each file has an expectation below: valid ones parse, with the
 * specific checks the RFC names where they concern parsing; invalid ones are rejected with a coded reason and,
 * for requests, with what a 400 needs. Where the RFC lets the parser accept and a later layer reject, the row
 * names that layer (`layer`) and asserts what the parser hands it.
 * Corpus: `test/fixtures/rfc4475` (see torture-corpus.ts).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { URI, type IncomingRequestMessage, type IncomingResponseMessage } from "sip.js/lib/core/index.js";
import { parseSipMessage, type SipParseError } from "../../core/src/sip/parser/parse-message.js";
import { corpusDir, readIndex } from "./torture-corpus.js";

type Message = IncomingRequestMessage | IncomingResponseMessage;
type Expectation =
  | { accept: true; layer?: string; check?: (m: Message, size: number, bytes: Buffer) => void }
  | { accept: false; code: string; respondable: boolean; status?: number; layer?: string };

const P = "TANDEM_ERR_SIP_PARSE_";
const req = (m: Message): IncomingRequestMessage => m as IncomingRequestMessage;
const reject = (code: string, respondable: boolean, status?: number): Expectation => ({ accept: false, code: P + code, respondable, ...(status ? { status } : {}) });

const EXPECTED: Record<string, Expectation> = {
  "wsinv.dat": {
    accept: true,
    check: (m) => {
      assert.equal(m.toTag, "1918181833n");
      assert.equal(m.fromTag, "98asjd8");
      assert.equal(m.from.displayName, 'J Rosenberg \\\\\\"');
      assert.equal(m.cseq, 9);
      assert.equal(m.parseHeader("max-forwards"), 68);
      assert.equal(m.viaBranch, "390skdjuw");
      assert.deepEqual(m.getHeaders("via").length, 2);
      assert.equal(m.getHeader("subject"), "");
      assert.equal(m.getHeader("NewFangledHeader"), "newfangled value continued newfangled value");
      assert.equal(m.getHeader("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
      const contact = m.parseHeader("contact");
      assert.equal(contact.displayName, 'Quoted string \\"\\"');
      assert.equal(contact.getParam("newparam"), "newvalue");
      assert.equal(contact.getParam("q"), "0.33");
      assert.equal(Buffer.byteLength(m.body), 150);
    },
  },
  "intmeth.dat": {
    accept: true,
    layer: "an endpoint answers 501 (unknown method): sip.js core / stack",
    check: (m) => {
      assert.equal(req(m).method, "!interesting-Method0123456789_*+`.%indeed'~");
      assert.equal(req(m).ruri?.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
      assert.equal(m.to.displayName, "BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f");
      assert.equal(m.callId, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
      // The value starts with a UTF-8 BOM, which String.trim() removes (sip.js's parser does the same).
      assert.equal(m.getHeader("extensionHeader-!.%*+_`'~"), "\u5927\u505C\u96FB");
    },
  },
  "esc01.dat": {
    accept: true,
    check: (m) => {
      assert.equal(req(m).ruri?.user, "sips:user@example.com");
      assert.equal(m.to.uri.user, "user");
      assert.equal(m.from.uri.user, "I have spaces");
      // Parameters keep their %-escapes (as sip.js does): never unescaped twice, so %25%34%31 stays as written.
      assert.equal(m.parseHeader("contact").uri.getParam("n%61me"), "v%61lue%25%34%31");
      assert.equal(m.parseHeader("contact").uri.user, "caller");
    },
  },
  "escnull.dat": {
    accept: true,
    check: (m) => {
      assert.equal(m.to.uri.user, "null-\u0000-null");
      assert.equal(m.getHeaders("contact").length, 2);
      assert.equal(m.parseHeader("contact", 1).uri.user, "\u0000\u0000");
    },
  },
  "esc02.dat": {
    accept: true,
    layer: "RE%47IST%45R is an unknown method, not REGISTER: the core / stack answers 501",
    check: (m) => {
      assert.equal(req(m).method, "RE%47IST%45R");
      assert.equal(m.getHeaders("contact").length, 2);
      assert.equal(m.getHeader("C%6fntact"), "<sip:alias2@host2.example.com>");
      assert.equal(m.from.displayName, "%Z%45");
    },
  },
  "lwsdisp.dat": { accept: true, check: (m) => assert.equal(m.from.displayName, "caller") },
  "longreq.dat": {
    accept: true,
    check: (m) => {
      assert.ok(m.to.displayName.includes("extremeextreme") && m.to.displayName.endsWith("proportion"));
      assert.ok(m.callId.length > 100);
      assert.ok(m.getHeaders("via").length >= 30);
      assert.equal(Buffer.byteLength(m.body), 150);
    },
  },
  "dblreq.dat": {
    accept: true,
    check: (m, size, bytes) => {
      assert.equal(req(m).method, "REGISTER");
      assert.equal(m.body, "");
      assert.ok(size < bytes.length, "the trailing INVITE octets are not consumed (RFC 3261 §18.3)");
      assert.ok(!m.data.includes("INVITE"));
    },
  },
  "semiuri.dat": {
    accept: true,
    check: (m) => {
      assert.equal(req(m).ruri?.user, "user;par=u@example.net");
      assert.equal(req(m).ruri?.host, "example.com");
      assert.equal(m.getHeader("accept"), "application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag");
    },
  },
  "transports.dat": {
    accept: true,
    check: (m) => {
      assert.equal(m.getHeaders("via").length, 5);
      assert.match(m.getHeaders("via")[3] ?? "", /^SIP\/2.0\/UNKNOWN t4/);
    },
  },
  "mpart01.dat": {
    accept: true,
    layer: "the multipart/signed part is not understood above the parser; the body is handed on as framed",
    check: (m, size, bytes) => {
      assert.equal(m.parseHeader("content-length"), 553);
      assert.equal(size, bytes.length);
      assert.equal(size - bytes.indexOf("\r\n\r\n") - 4, 553);
      assert.match(m.getHeader("content-type") ?? "", /^multipart\/mixed;boundary=/);
      assert.ok(bytes.subarray(size - 553, size).includes(0), "the binary part with its NUL octets is inside the frame");
    },
  },
  "unreason.dat": {
    accept: true,
    check: (m) => {
      assert.equal((m as IncomingResponseMessage).statusCode, 200);
      assert.ok((m as IncomingResponseMessage).reasonPhrase?.startsWith("= 2**3 * 5**2 \u043d\u043e"));
    },
  },
  "noreason.dat": { accept: true, check: (m) => assert.equal((m as IncomingResponseMessage).reasonPhrase, "") },
  "badinv01.dat": reject("HEADER_VALUE", true),
  "clerr.dat": reject("TRUNCATED_BODY", true),
  "ncl.dat": reject("CONTENT_LENGTH", true),
  "scalar02.dat": reject("CSEQ", true),
  "scalarlg.dat": reject("CSEQ", false),
  "quotbal.dat": reject("QUOTE", true),
  "ltgtruri.dat": reject("REQUEST_LINE", true),
  "lwsruri.dat": reject("REQUEST_LINE", true),
  "lwsstart.dat": reject("REQUEST_LINE", true),
  "trws.dat": reject("REQUEST_LINE", true),
  "escruri.dat": reject("REQUEST_LINE", true),
  "baddate.dat": {
    accept: true,
    layer: "Date matters to nothing in Tandem, so the application ignores it (RFC 4475 §3.1.2.12 allows that)",
    check: (m) => assert.equal(m.getHeader("date"), "Fri, 01 Jan 2010 16:00:00 EST"),
  },
  "regbadct.dat": reject("HEADER_VALUE", true),
  "badaspec.dat": reject("HEADER_VALUE", true),
  "baddn.dat": reject("NO_HEADER_END", true),
  "badvers.dat": reject("VERSION", true, 505),
  "mismatch01.dat": reject("CSEQ_METHOD", true),
  "mismatch02.dat": reject("CSEQ_METHOD", true),
  "bigcode.dat": reject("STATUS_LINE", false),
  "badbranch.dat": {
    accept: true,
    layer: "transaction matching (stack) treats the bare cookie as a branch",
    check: (m) => assert.equal(m.viaBranch, "z9hG4bK"),
  },
  "insuf.dat": reject("MISSING_HEADER", false),
  "unkscm.dat": {
    accept: true,
    layer: "sip.js core answers 416 (scheme is not sip; see core-functional.test.ts)",
    check: (m) => {
      assert.ok(req(m).ruri instanceof URI);
      assert.equal(req(m).ruri?.scheme, "nobodyknowsthisscheme");
    },
  },
  "novelsc.dat": {
    accept: true,
    layer: "sip.js core answers 416 (scheme is not sip)",
    check: (m) => assert.equal(req(m).ruri?.scheme, "soap.beep"),
  },
  "unksm2.dat": {
    accept: true,
    layer: "a registrar would answer 400 (To must be SIP); Tandem is no registrar: REGISTER gets 405/501 above the parser",
    check: (m) => {
      assert.equal(m.to.uri.scheme, "isbn");
      assert.equal(m.from.uri.scheme, "http");
      assert.equal(m.parseHeader("contact").uri.scheme, "name");
    },
  },
  "bext01.dat": {
    accept: true,
    layer: "420 with Unsupported is the stack's (Require is read raw)",
    check: (m) => assert.ok(m.getHeader("require")),
  },
  "invut.dat": { accept: true, layer: "415 is the application's", check: (m) => assert.equal(m.parseHeader("content-type"), "application/unknownformat") },
  "regaut01.dat": { accept: true, check: (m) => assert.match(m.getHeader("authorization") ?? "", /^NoOneKnowsThisScheme/) },
  "multi01.dat": reject("DUPLICATE_HEADER", true),
  "mcl01.dat": reject("DUPLICATE_HEADER", true),
  "bcast.dat": {
    accept: true,
    layer: "an endpoint discards a response with two Via values (sip.js core drops it)",
    check: (m) => assert.match(m.getHeaders("via")[1] ?? "", /255\.255\.255\.255/),
  },
  "zeromf.dat": { accept: true, check: (m) => assert.equal(m.parseHeader("max-forwards"), 0) },
  "cparam01.dat": {
    accept: true,
    check: (m) => {
      const contact = m.parseHeader("contact");
      assert.equal(contact.getParam("unknownparam"), null);
      assert.equal(contact.uri.hasParam("unknownparam"), false);
    },
  },
  "cparam02.dat": {
    accept: true,
    check: (m) => {
      const contact = m.parseHeader("contact");
      assert.equal(contact.uri.getParam("unknownparam"), null);
      assert.equal(contact.uri.hasParam("unknownparam"), true);
      assert.equal(contact.hasParam("unknownparam"), false);
    },
  },
  "regescrt.dat": {
    accept: true,
    check: (m) => assert.deepEqual(m.parseHeader("contact").uri.getHeader("route"), ["%3Csip:sip.example.com%3E"]),
  },
  "sdp01.dat": { accept: true, layer: "406 (or 400) is the application's", check: (m) => assert.equal(m.getHeader("accept"), "text/nobodyKnowsThis") },
  "inv2543.dat": {
    accept: true,
    check: (m, size, bytes) => {
      assert.equal(m.viaBranch, undefined);
      assert.equal(m.fromTag, undefined);
      assert.equal(m.getHeader("max-forwards"), undefined);
      assert.equal(size, bytes.length, "no Content-Length over UDP: the body is the rest of the datagram");
      assert.ok(m.body.startsWith("v=0"));
    },
  },
};

const EXTRA: Record<string, Expectation> = {
  "baddn-with-final-crlf.dat": reject("HEADER_VALUE", true),
  // No SIP-Version in the Request-Line, and no Via or CSeq to build a 400 from: dropped.
  "test.dat": reject("REQUEST_LINE", false),
};

function checkOutcome(file: string, bytes: Buffer, expected: Expectation): void {
  const outcome = parseSipMessage(bytes, { datagram: true });
  if (expected.accept) {
    assert.ok(outcome.ok, `${file}: ${outcome.ok ? "" : `${outcome.error.code} ${outcome.error.reason}`}`);
    expected.check?.(outcome.message, outcome.size, bytes);
    return;
  }
  assert.equal(outcome.ok, false, `${file} must be rejected`);
  const error = (outcome as { error: SipParseError }).error;
  assert.equal(error.code, expected.code, `${file}: ${error.reason}`);
  assert.ok(error.reason.length > 0);
  assert.match(error.reason, /^[\x20-\x7e]+$/);
  assert.equal(error.status, expected.status ?? 400);
  assert.equal(error.respondable !== undefined, expected.respondable, `${file}: respondable`);
  if (error.respondable) {
    assert.ok(error.respondable.via.length > 0 && error.respondable.callId && error.respondable.cseq);
  }
}

describe("RFC 4475 torture messages (parser)", { timeout: 300_000 }, () => {
  const index = readIndex();

  it("the corpus is the 49 bit-exact messages", () => {
    assert.equal(index.length, 49);
    const sums = readFileSync(resolve(corpusDir, "SHA256SUMS"), "utf8").trim().split("\n");
    for (const line of sums) {
      const [sum, file] = line.split(/\s+/) as [string, string];
      assert.equal(createHash("sha256").update(readFileSync(resolve(corpusDir, file))).digest("hex"), sum, file);
    }
  });

  for (const [file, section, validity] of index) {
    const expected = EXPECTED[file];
    it(`${section} ${file} (${validity})${expected?.layer ? ` — ${expected.layer}` : ""}`, () => {
      assert.ok(expected, `no expectation for ${file}`);
      // A valid message always parses; an invalid one is rejected unless a named later layer rejects it.
      if (validity === "valid") assert.equal(expected.accept, true);
      else assert.ok(!expected.accept || expected.layer, `${file} is invalid: parser rejects it or a layer is named`);
      checkOutcome(file, readFileSync(resolve(corpusDir, file)), expected);
    });
  }

  for (const [file, expected] of Object.entries(EXTRA)) {
    it(`extra/${file}`, () => checkOutcome(file, readFileSync(resolve(corpusDir, "extra", file)), expected));
  }

  it("clerr over a stream: the framer's short buffer is refused the same way, never read past", () => {
    const outcome = parseSipMessage(readFileSync(resolve(corpusDir, "clerr.dat")), { datagram: false });
    assert.equal(outcome.ok, false);
    assert.equal((outcome as { error: SipParseError }).error.code, P + "TRUNCATED_BODY");
  });
});
