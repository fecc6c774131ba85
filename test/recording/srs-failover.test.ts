/**
 * Which SRS failures move a SIPREC session on (srs-failover.ts) and which SRS URIs `siprec.srs` names
 * (srs-targets.ts): 5xx and no answer fail over, a refusal or our own CANCEL does not; a re-INVITE answered 481 or
 * 408, or lost to a time-out or the transport, ends the dialog; URIs are taken as written and a VoipService DN
 * gives its contact, then each contact-backup.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SipError, type DnRecord } from "@tandem/sdk";
import { endsDialog, failsOver, tryInTurn } from "../../plugins/recording/src/siprec/srs-failover.js";
import { srsUris } from "../../plugins/recording/src/siprec/srs-targets.js";

const remote = (status: number) => new SipError(status, "", { origin: "remote" });

test("an INVITE answered 5xx, 408 or not at all fails over; 4xx, 6xx, 487 and local errors do not", { timeout: 180_000 }, () => {
  for (const err of [remote(503), remote(500), remote(504), remote(408), new SipError(408, "No Answer", { origin: "timeout" }), new SipError(503, "", { origin: "transport" })]) {
    assert.equal(failsOver(err), true, err.message);
  }
  for (const err of [remote(486), remote(420), remote(488), remote(487), remote(603), new Error("the SRS answered without SDP")]) {
    assert.equal(failsOver(err), false, err.message);
  }
});

test("a re-INVITE answered 481 or 408, or lost to a time-out or the transport, ends the SRS's dialog (RFC 3261 §12.2.1.2)", { timeout: 180_000 }, () => {
  for (const err of [remote(481), remote(408), new SipError(408, "", { origin: "timeout" }), new SipError(503, "", { origin: "transport" })]) {
    assert.equal(endsDialog(err), true, err.message);
  }
  for (const err of [remote(491), remote(488), remote(500), new Error("other")]) assert.equal(endsDialog(err), false, err.message);
});

test("SRSes are tried in turn while they fail over; a refusal stops the walk and the error names every SRS tried", { timeout: 180_000 }, async () => {
  const asked: string[] = [];
  const answers: Record<string, () => Promise<string>> = {
    "sip:a": () => Promise.reject(remote(503)),
    "sip:b": () => Promise.reject(new SipError(408, "No Answer", { origin: "timeout" })),
    "sip:c": () => Promise.resolve("up"),
    "sip:d": () => Promise.reject(remote(403)),
  };
  const attempt = (uri: string) => {
    asked.push(uri);
    return (answers[uri] as () => Promise<string>)();
  };
  const up = await tryInTurn(["sip:a", "sip:b", "sip:c", "sip:d"], attempt);
  assert.equal(up.value, "up");
  assert.equal(up.srs, "sip:c");
  assert.deepEqual(up.failed.map((f) => f.srs), ["sip:a", "sip:b"]);
  assert.deepEqual(asked, ["sip:a", "sip:b", "sip:c"]);
  asked.length = 0;
  await assert.rejects(tryInTurn(["sip:d", "sip:c"], attempt), /sip:d: SIP 403/);
  assert.deepEqual(asked, ["sip:d"], "a refusal is not sent on to the next SRS");
  await assert.rejects(tryInTurn(["sip:a", "sip:b"], attempt), /sip:a: SIP 503.*; sip:b: SIP 408 No Answer/);
});

test("siprec.srs: URIs as written, a VoipService DN as its contact then each contact-backup; other names are reported", { timeout: 180_000 }, () => {
  const dn = (number: string, type: DnRecord["type"], options: Record<string, unknown>) => ({ number, type, options }) as unknown as DnRecord;
  const dns = new Map([
    ["srs", dn("srs", "VoipService", { "service-type": "recorder", contact: "sip:srs1@10.0.0.9", "contact-backup": ["sip:srs2@10.0.0.10", "sip:srs3@10.0.0.11"] })],
    ["bare", dn("bare", "VoipService", { "service-type": "recorder" })],
    ["1001", dn("1001", "Extension", {})],
  ]);
  const registry = { get: (number: string) => dns.get(number) };
  assert.deepEqual(srsUris(registry, "sip:one@10.0.0.1"), { uris: ["sip:one@10.0.0.1"], problems: [] });
  assert.deepEqual(srsUris(registry, ["srs", "sips:last@10.0.0.12"]).uris, ["sip:srs1@10.0.0.9", "sip:srs2@10.0.0.10", "sip:srs3@10.0.0.11", "sips:last@10.0.0.12"]);
  const bad = srsUris(registry, ["1001", "bare", "nowhere"]);
  assert.deepEqual(bad.uris, []);
  assert.deepEqual(bad.problems, ["1001 is neither a SIP URI nor a VoipService DN", "VoipService DN bare has no contact", "nowhere is neither a SIP URI nor a VoipService DN"]);
});
