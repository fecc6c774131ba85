/**
 * SIP counter labels come from a closed set whatever arrives (metric-labels.ts), and method inspection tells
 * served, known-but-not-allowed (405) and unknown (501) methods apart (RFC 3261 §8.2.1, §21.5.2).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { methodLabel, statusLabel } from "../../core/src/sip/stack/metric-labels.js";
import { ALLOW, KNOWN_METHODS, inspectMethod } from "../../core/src/sip/sip-methods.js";

describe("metric labels", { timeout: 300_000 }, () => {
  it("keeps the 14 registered methods and folds anything else into `other`", () => {
    for (const method of KNOWN_METHODS) assert.equal(methodLabel(method), method);
    assert.equal(KNOWN_METHODS.size, 14);
    for (const method of ["invite", "FROBNICATE", "M".repeat(2048), "", "!interesting-Method0123456789_*+`.%indeed'~"]) {
      assert.equal(methodLabel(method), "other", method.slice(0, 20));
    }
  });

  it("keeps registered status codes, folds the rest into their class, and labels requests with an empty status", () => {
    assert.equal(statusLabel(undefined), "");
    for (const status of [100, 180, 183, 200, 403, 404, 486, 487, 501, 503, 603]) assert.equal(statusLabel(status), String(status));
    assert.equal(statusLabel(299), "2xx");
    assert.equal(statusLabel(499), "4xx");
    assert.equal(statusLabel(699), "6xx");
    for (const status of [0, 99, 700, 1000, -1, 2.5, Number.NaN]) assert.equal(statusLabel(status), "other", String(status));
    const labels = new Set<string>();
    for (let status = -10; status < 2000; status++) labels.add(statusLabel(status));
    assert.ok(labels.size < 90, `${labels.size} distinct status labels`);
  });
});

describe("method inspection (RFC 3261 §8.2.1)", { timeout: 300_000 }, () => {
  it("serves what Allow lists, refuses other registered methods with 405 and unknown ones with 501", () => {
    for (const method of ALLOW.split(", ")) assert.equal(inspectMethod(method), "served", method);
    for (const method of ["REGISTER", "PUBLISH", "REFER", "MESSAGE"]) assert.equal(inspectMethod(method), "not-allowed", method);
    // Methods are case-sensitive (§7.1): `invite` is no INVITE.
    for (const method of ["FROBNICATE", "invite", "Message"]) assert.equal(inspectMethod(method), "unknown", method);
    assert.doesNotMatch(ALLOW, /MESSAGE|REFER|REGISTER|PUBLISH/);
  });
});
