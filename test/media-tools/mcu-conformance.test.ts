/**
 * The MCU conformance kit run on a small reference mixer: every case passes on an adapter with every
 * capability, every case passes on one with none of the optional ones (each checks the coded refusal), and
 * the kit fails an adapter that is wrong on purpose: a listen-only party still heard, a mode change heard
 * 300 ms late, no inactivity report, a fresh offer's answer ignored, a port kept after leave. An adapter that
 * declares none of the ability flags gets their defaults (offerless joins and inactivity reports, no fresh offers).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { McuAdapter, McuCapabilities } from "@tandem/sdk";
import { mcuConformanceCases, type McuConformanceCase } from "@tandem/sdk/testing/media";
import { FULL_CAPABILITIES, ReferenceMcu, type ReferenceMcuOptions } from "./reference-mcu/reference-mcu.js";

function suite(options: ReferenceMcuOptions = {}): McuConformanceCase[] {
  return mcuConformanceCases({
    createAdapter: () => new ReferenceMcu(options),
    disposeAdapter: (adapter: McuAdapter) => (adapter instanceof ReferenceMcu ? adapter.dispose() : undefined),
  });
}

function caseNamed(cases: readonly McuConformanceCase[], start: string): McuConformanceCase {
  const found = cases.find((c) => c.name.startsWith(start));
  assert.ok(found, `a case starting "${start}"`);
  return found;
}

const BARE: McuCapabilities = {
  codecs: ["PCMU"],
  modes: ["speak-listen"],
  telephoneEvents: false,
  record: null,
  play: null,
  limits: { rooms: 2, partiesPerRoom: 3 },
  offerlessJoin: false,
  freshOffer: false,
  inactivityReports: false,
};

/** Capabilities as an adapter written before the ability flags declares them: none of the three. */
const WITHOUT_FLAGS: McuCapabilities = {
  codecs: FULL_CAPABILITIES.codecs,
  modes: FULL_CAPABILITIES.modes,
  telephoneEvents: FULL_CAPABILITIES.telephoneEvents,
  record: FULL_CAPABILITIES.record,
  play: FULL_CAPABILITIES.play,
  limits: FULL_CAPABILITIES.limits,
};

describe("MCU conformance kit, reference mixer with every capability", { timeout: 300_000 }, () => {
  for (const c of suite()) it(c.name, c.run);
});

describe("MCU conformance kit, reference mixer with no optional capability", { timeout: 300_000 }, () => {
  for (const c of suite({ capabilities: BARE })) it(c.name, c.run);
});

describe("MCU conformance kit, reference mixer declaring no ability flag (offerless joins and inactivity reports by default, no fresh offers)", { timeout: 300_000 }, () => {
  const cases = suite({ capabilities: WITHOUT_FLAGS });
  for (const start of ["offer/answer both ways", "fresh offer", "inactivity"]) {
    const c = caseNamed(cases, start);
    it(c.name, c.run);
  }
});

describe("MCU conformance kit fails a non-conforming adapter", { timeout: 300_000 }, () => {
  it("a listen-only party that the others still hear", async () => {
    await assert.rejects(caseNamed(suite({ leakListenOnly: true }), "listen-only").run(), /who hears whom is wrong:\s+a should hear 1000 Hz; heard: .*1000\+1400 Hz/);
  });

  it("a mode change heard 300 ms late", async () => {
    await assert.rejects(caseNamed(suite({ modeSwitchDelayMs: 300 }), "a mode change").run(), /must be heard within 100 ms/);
  });

  it("no report when a party's media stops", async () => {
    await assert.rejects(caseNamed(suite({ noInactivityReports: true }), "inactivity").run(), /a report that a went quiet: not within/);
  });

  it("a fresh offer whose answer moved the party, media still sent to its old port", async () => {
    await assert.rejects(caseNamed(suite({ ignoreFreshAnswer: true }), "fresh offer").run(), /who hears whom is wrong:\s+a should hear 1000 Hz; heard: no media/);
  });

  it("an adapter declaring fresh offers whose parties have no offer()", async () => {
    await assert.rejects(caseNamed(suite({ omitOffer: true }), "fresh offer").run(), /declares freshOffer but its party has no offer\(\)/);
  });

  it("a port still held after leave()", async () => {
    await assert.rejects(caseNamed(suite({ leakPortOnLeave: true }), "leave and close").run(), /after leave\(\): port 127\.0\.0\.1:\d+ still held/);
  });
});
