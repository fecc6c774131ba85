/**
 * sipp as UAC into Tandem (RFC 3261 §13, §15): a test handler answers every INVITE through `onInvite`;
 * over UDP and TCP every call must succeed.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTestStack, testSdp, type TestStack } from "../support/test-stack.js";

describe("sipp UAC into Tandem", { timeout: 300_000 }, () => {
  let t: TestStack;
  before(async () => {
    t = await startTestStack();
    t.stack.verbs.onInvite(async (invite) => {
      invite.progress();
      await invite.accept({ sdp: testSdp() });
      return true;
    });
  });
  after(async () => {
    killAllSipp();
    await t.stack.stop();
  });

  for (const transport of ["u1", "t1"] as const) {
    it(`completes 100 % of calls over ${transport === "u1" ? "UDP" : "TCP"}`, async () => {
      const result = await runSipp({
        scenario: "uac-call.xml",
        remote: `127.0.0.1:${t.port}`,
        localPort: await freePort(),
        transport,
        service: "1001",
        calls: 50,
        rate: 25,
        timeoutS: 30,
      });
      assert.equal(result.failed, 0, result.errors || result.stderr);
      assert.equal(result.successful, 50, result.errors || result.stderr);
      assert.equal(result.code, 0);
    });
  }
});
