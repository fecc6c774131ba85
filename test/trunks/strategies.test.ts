/**
 * The selection strategies as pure functions: round-robin fairness (also with concurrent selections and with a
 * member out of service), `exclude`, primary-backup order and hold-down.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pickPrimaryBackup, pickRoundRobin, type MemberView } from "../../plugins/trunk-selection/src/strategies.js";

const up = (number: string, inServiceSince = 0): MemberView => ({ number, inService: true, inServiceSince });
const down = (number: string): MemberView => ({ number, inService: false, inServiceSince: 0 });

function tally(picks: Array<string | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const p of picks) counts[String(p)] = (counts[String(p)] ?? 0) + 1;
  return counts;
}

describe("round-robin", { timeout: 300_000 }, () => {
  it("spreads 999 selections exactly evenly over 3 trunks, in order", () => {
    const members = [up("A"), up("B"), up("C")];
    const cursor = { last: -1 };
    const picks = Array.from({ length: 999 }, () => pickRoundRobin(members, cursor, []));
    assert.deepEqual(picks.slice(0, 4), ["A", "B", "C", "A"]);
    assert.deepEqual(tally(picks), { A: 333, B: 333, C: 333 });
  });

  it("stays fair under concurrency: 1,000 selections from concurrent async callers", async () => {
    const members = [up("A"), up("B"), up("C")];
    const cursor = { last: -1 };
    const picks = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        await new Promise((r) => setImmediate(r));
        if (i % 7 === 0) await Promise.resolve();
        return pickRoundRobin(members, cursor, []);
      }),
    );
    const counts = tally(picks);
    for (const n of ["A", "B", "C"]) assert.ok(Math.abs((counts[n] ?? 0) - 1000 / 3) <= 1, JSON.stringify(counts));
  });

  it("skips a trunk out of service, which gets none; the others share evenly", () => {
    const members = [up("A"), down("B"), up("C")];
    const cursor = { last: -1 };
    const counts = tally(Array.from({ length: 1000 }, () => pickRoundRobin(members, cursor, [])));
    assert.deepEqual(counts, { A: 500, C: 500 });
  });

  it("honours exclude and returns undefined when nothing is left", () => {
    const members = [up("A"), up("B"), down("C")];
    const cursor = { last: -1 };
    assert.equal(pickRoundRobin(members, cursor, ["A"]), "B");
    assert.equal(pickRoundRobin(members, cursor, ["B"]), "A");
    assert.equal(pickRoundRobin(members, cursor, ["A", "B"]), undefined);
    assert.equal(pickRoundRobin([], cursor, []), undefined);
  });
});

describe("primary-backup", { timeout: 300_000 }, () => {
  it("always takes the first member in service, then the next on exclude", () => {
    const members = [up("P"), up("B1"), up("B2")];
    assert.equal(pickPrimaryBackup(members, 30_000, []), "P");
    assert.equal(pickPrimaryBackup(members, 30_000, ["P"]), "B1");
    assert.equal(pickPrimaryBackup([down("P"), up("B1"), up("B2")], 30_000, []), "B1");
    assert.equal(pickPrimaryBackup([down("P"), down("B1")], 30_000, []), undefined);
  });

  it("a recovered primary gets traffic back only after the hold-down", () => {
    const now = 1_000_000;
    const members = [up("P", now - 10_000), up("B1")];
    assert.equal(pickPrimaryBackup(members, 30_000, [], now), "B1");
    assert.equal(pickPrimaryBackup(members, 30_000, [], now + 19_999), "B1");
    assert.equal(pickPrimaryBackup(members, 30_000, [], now + 20_000), "P");
  });

  it("within its hold-down the primary is still used when nothing else is in service", () => {
    const now = 1_000_000;
    assert.equal(pickPrimaryBackup([up("P", now - 1), down("B1")], 30_000, [], now), "P");
    assert.equal(pickPrimaryBackup([up("P", now - 1), up("B1", now - 2)], 30_000, [], now), "P");
  });
});
