import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parsePidf } from "../../plugins/presence/src/pidf-parser.js";

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const LIMIT = 65_536;

function ok(body: string): { basic: string; activities: readonly string[]; entity: string | undefined } {
  const result = parsePidf(body, LIMIT);
  assert.equal(result.ok, true, result.ok ? "" : `${result.code}: ${result.reason}`);
  if (!result.ok) throw new Error("unreachable");
  return result.presence;
}

function failure(body: string, limit = LIMIT): string {
  const result = parsePidf(body, limit);
  assert.equal(result.ok, false, "expected a parse failure");
  return result.ok ? "" : result.code;
}

describe("parsePidf", { timeout: 300_000 }, () => {
  it("reads the real CUCM 7.0 capture (domain.md §2.3): open + on-the-phone from person and tuple", () => {
    const presence = ok(fixture("cucm-on-the-phone.xml"));
    assert.equal(presence.basic, "open");
    assert.deepEqual(presence.activities, ["on-the-phone"]);
    assert.equal(presence.entity, "sip:8001@192.168.13.198");
  });

  it("matches by namespace URI: the same document with other prefixes parses the same", () => {
    assert.deepEqual(ok(fixture("cucm-on-the-phone-other-prefixes.xml")), ok(fixture("cucm-on-the-phone.xml")));
  });

  it("does not take an element for RPID just because its prefix is the usual one", () => {
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:e="urn:example:other">
      <tuple id="a"><status><basic>open</basic><e:activities><e:on-the-phone/></e:activities></status></tuple></presence>`;
    assert.deepEqual(ok(body).activities, []);
  });

  it("reads activities that sit only in the tuple status", () => {
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid">
      <tuple id="a"><status><basic>open</basic><r:activities><r:busy/></r:activities></status></tuple></presence>`;
    assert.deepEqual(ok(body).activities, ["busy"]);
  });

  it("reads activities that sit only in dm:person, with RPID namespaces declared on inner elements", () => {
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf">
      <tuple id="a"><status><basic>open</basic></status></tuple>
      <pm:person xmlns:pm="urn:ietf:params:xml:ns:pidf:data-model">
        <activities xmlns="urn:ietf:params:xml:ns:pidf:rpid"><meeting/><note>team sync</note></activities>
      </pm:person></presence>`;
    assert.deepEqual(ok(body).activities, ["meeting"]);
  });

  it("reads Cisco-namespace activities", () => {
    assert.deepEqual(ok(fixture("cisco-alerting.xml")).activities, ["alerting"]);
  });

  it("uses the text of an RPID <other> activity", () => {
    const body = `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:r="urn:ietf:params:xml:ns:pidf:rpid">
      <tuple id="a"><status><basic>open</basic><r:activities><r:other>lunch</r:other></r:activities></status></tuple></presence>`;
    assert.deepEqual(ok(body).activities, ["lunch"]);
  });

  it("reads open with empty activities as idle", () => {
    const presence = ok(fixture("open-idle.xml"));
    assert.equal(presence.basic, "open");
    assert.deepEqual(presence.activities, []);
  });

  it("reads closed, and closed + on-the-phone", () => {
    assert.equal(ok(fixture("closed.xml")).basic, "closed");
    assert.deepEqual(ok(fixture("closed-on-the-phone.xml")), { basic: "closed", activities: ["on-the-phone"], entity: "sip:1001@127.0.0.1" });
  });

  it("takes basic from dm:person when no tuple has one, and open wins over closed", () => {
    const personOnly = `<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model">
      <dm:person><status><basic>closed</basic></status></dm:person></presence>`;
    assert.equal(ok(personOnly).basic, "closed");
    const mixed = `<presence xmlns="urn:ietf:params:xml:ns:pidf">
      <tuple id="a"><status><basic>closed</basic></status></tuple><tuple id="b"><status><basic> OPEN </basic></status></tuple></presence>`;
    assert.equal(ok(mixed).basic, "open");
  });

  it("refuses a body that is not XML", () => {
    assert.equal(failure("this is not xml"), "TANDEM_ERR_PRESENCE_NOT_XML");
    assert.equal(failure("<presence xmlns='urn:ietf:params:xml:ns:pidf'><tuple></presence>"), "TANDEM_ERR_PRESENCE_NOT_XML");
    assert.equal(failure(""), "TANDEM_ERR_PRESENCE_NOT_XML");
  });

  it("refuses the wrong root namespace", () => {
    assert.equal(failure(fixture("wrong-namespace.xml")), "TANDEM_ERR_PRESENCE_WRONG_NAMESPACE");
    assert.equal(failure("<presence><tuple id='a'><status><basic>open</basic></status></tuple></presence>"), "TANDEM_ERR_PRESENCE_WRONG_NAMESPACE");
  });

  it("refuses a body without basic, and a basic that is not open/closed", () => {
    assert.equal(failure(fixture("missing-basic.xml")), "TANDEM_ERR_PRESENCE_MISSING_BASIC");
    const bogus = `<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple id="a"><status><basic>maybe</basic></status></tuple></presence>`;
    assert.equal(failure(bogus), "TANDEM_ERR_PRESENCE_MISSING_BASIC");
  });

  it("refuses a huge body before parsing it", () => {
    const huge = fixture("open-idle.xml").replace("</presence>", `<!--${"x".repeat(70_000)}--></presence>`);
    assert.equal(failure(huge), "TANDEM_ERR_PRESENCE_BODY_TOO_LARGE");
    assert.equal(failure(fixture("open-idle.xml"), 100), "TANDEM_ERR_PRESENCE_BODY_TOO_LARGE");
  });

  it("refuses undeclared prefixes, DOCTYPE (entity bombs) and absurd nesting", () => {
    const undeclared = `<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple id="a"><status><basic>open</basic><x:y/></status></tuple></presence>`;
    assert.equal(failure(undeclared), "TANDEM_ERR_PRESENCE_NOT_XML");
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
      <presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple id="a"><note>&lol2;</note><status><basic>open</basic></status></tuple></presence>`;
    assert.equal(failure(bomb), "TANDEM_ERR_PRESENCE_NOT_XML");
    const deep = `<presence xmlns="urn:ietf:params:xml:ns:pidf">${"<a>".repeat(100)}${"</a>".repeat(100)}</presence>`;
    assert.equal(failure(deep), "TANDEM_ERR_PRESENCE_NOT_XML");
  });
});
