/**
 * RFC 3261 §8.2.2.3 against sipp over UDP and TCP: a Require listing a tag we do not understand gets a
 * stateless 420 with exactly those tags in Unsupported (§20.40), out of dialog (INVITE, OPTIONS) and in a
 * dialog (UPDATE); Require naming only `timer` (RFC 4028) is served as usual; Require in ACK and CANCEL is
 * ignored; Proxy-Require is not ours to check.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp, type SippOptions } from "../support/sipp.js";
import { startTestStack, testSdp, type TestStack } from "../support/test-stack.js";

type Transport = "u1" | "t1";

describe("Require: 420 Bad Extension (RFC 3261 §8.2.2.3)", { timeout: 300_000 }, () => {
  let t: TestStack;
  let offered = 0;
  let cancels = 0;
  before(async () => {
    t = await startTestStack({ served: ["1001", "1002"] });
    t.stack.verbs.onInvite(async (invite) => {
      offered++;
      if (invite.dn === "1002") {
        invite.progress();
        invite.onCancel(() => cancels++);
        return true; // never answered: the caller cancels
      }
      await invite.accept({ sdp: testSdp() });
      return true;
    });
  });
  after(async () => {
    killAllSipp();
    await t.stack.stop();
  });

  async function run(options: Omit<SippOptions, "localPort" | "remote">, calls = 3): Promise<void> {
    const r = await runSipp({ ...options, remote: `127.0.0.1:${t.port}`, localPort: await freePort(), calls, rate: 10, timeoutS: 20 });
    assert.equal(r.failed, 0, r.errors || r.stderr);
    assert.equal(r.successful, calls, r.errors || r.stderr);
  }

  for (const transport of ["u1", "t1"] as const satisfies readonly Transport[]) {
    const name = transport === "u1" ? "UDP" : "TCP";

    it(`rejects INVITE with Require: foo, timer by 420 Unsupported: foo, before any plugin, over ${name}`, async () => {
      offered = 0;
      const before = t.stack.stats().retransmissions;
      await run({ scenario: "require-invite-420.xml", service: "1001", transport });
      assert.equal(offered, 0, "a rejected INVITE must never reach onInvite");
      if (transport === "u1") {
        // The ACK (same branch as the INVITE) stopped Timer G: the 420 was never re-sent (T1 = 500 ms).
        await sleep(1200);
        assert.equal(t.stack.stats().retransmissions, before);
      }
    });

    it(`rejects OPTIONS to the server with Require: bar (two lines) by 420 Unsupported: bar over ${name}`, async () => {
      await run({ scenario: "require-options-420.xml", transport });
    });

    it(`serves INVITE with Require: timer (and ignores Proxy-Require) but rejects an in-dialog UPDATE requiring foo over ${name}`, async () => {
      offered = 0;
      await run({ scenario: "require-timer-call.xml", service: "1001", transport });
      assert.equal(offered, 3);
    });

    it(`ignores Require in CANCEL: 200 to the CANCEL and 487 to the INVITE over ${name}`, async () => {
      cancels = 0;
      await run({ scenario: "require-cancel.xml", service: "1002", transport });
      assert.equal(cancels, 3);
    });
  }

  it("advertises only timer in its own requests (responses add 100rel: checked in the scenarios)", async () => {
    const port = await freePort();
    const uas = runSipp({ scenario: "require-uas-echo-supported.xml", localPort: port, calls: 1, timeoutS: 10 });
    await sleep(300);
    const response = await t.stack.verbs.request({ method: "OPTIONS", target: `sip:uas@127.0.0.1:${port}` });
    assert.equal(response.status, 200);
    assert.match(response.header("x-seen-supported") ?? "", /^<\s*timer\s*>$/);
    const r = await uas;
    assert.equal(r.successful, 1, r.errors);
  });

  it("is still fine afterwards: OPTIONS 200, no sip.js errors", async () => {
    await run({ scenario: "options-ping.xml", transport: "u1" }, 2);
    assert.equal(t.metrics.totals.get("sip_core_errors_total") ?? 0, 0);
    assert.equal(t.stack.stats().parseErrors, 0);
  });
});
