/** A call lost in a crash ends, in its record, when the dead process was last known alive, not at the restart. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { routeCall } from "@tandem/sdk";
import { FakeSip } from "./support/fake-sip.js";
import { createCallsHarness, settle } from "./support/calls-harness.js";

const DNS = [
  { number: "5000", type: "RoutingPoint" as const },
  { number: "1001", type: "Extension" as const },
  { number: "1002", type: "Extension" as const },
  { number: "cucm", type: "Trunk" as const, options: { contact: "sip:127.0.0.1:5070" } },
];

test("a call lost in a crash ends at the last logged event of the dead process (or its own latest time), not at the restart", { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-calls-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const dbPath = join(dir, "tandem.sqlite");
  t.mock.timers.enable({ apis: ["Date"], now: Date.parse("2026-03-02T10:00:00.000Z") });
  const sip = new FakeSip();
  const first = createCallsHarness(undefined, { sip, dns: DNS, dbPath });
  first.hooks.tap(routeCall, () => ({ kind: "agent", dn: "1001" }));
  first.ready("1001");
  await sip.offer({ dn: "5000" });
  await settle();
  sip.outbound.at(-1)?.answer();
  await settle();
  const connId = first.model.active()[0]?.connId ?? "";
  assert.ok(connId, "a call is up");
  t.mock.timers.tick(5 * 60_000);
  first.ready("1002"); // the process is still alive at 10:05: it logs events
  first.kill();

  t.mock.timers.tick(60 * 60_000); // the restart comes an hour later
  const second = createCallsHarness(t, { sip: new FakeSip(), dns: DNS, dbPath });
  const record = second.model.get(connId);
  assert.equal(record?.outcome, "lost");
  assert.equal(record?.endedAt, "2026-03-02T10:05:00.000Z");
  assert.ok(record?.legs.length);
  for (const leg of record?.legs ?? []) assert.equal(leg.endedAt, "2026-03-02T10:05:00.000Z");
});
