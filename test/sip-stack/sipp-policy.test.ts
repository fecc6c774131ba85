/**
 * Serving many DNs safely: 404 for a DN the registry does not serve, 403 over UDP for a source outside
 * `sip.trustedPeers` (before any state), 405/501 by method (RFC 3261 §8.2.1), 200 to OPTIONS for the
 * server itself (RFC 3261 §11), all checked by sipp scenarios over UDP and TCP.
 */
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp, type SippOptions } from "../support/sipp.js";
import { startTestStack, testSdp, type TestStack } from "../support/test-stack.js";

describe("request policy", { timeout: 300_000 }, () => {
  const stacks: TestStack[] = [];
  after(async () => {
    killAllSipp();
    for (const t of stacks) await t.stack.stop();
  });

  async function run(t: TestStack, options: Omit<SippOptions, "localPort" | "remote">): Promise<void> {
    const result = await runSipp({ ...options, remote: `127.0.0.1:${t.port}`, localPort: await freePort(), calls: 5, rate: 10, timeoutS: 15 });
    assert.equal(result.failed, 0, result.errors || result.stderr);
    assert.equal(result.successful, 5, result.errors || result.stderr);
  }

  it("answers 404 for an unknown DN and never offers it to plugins", async () => {
    const t = await startTestStack({ served: ["1001"] });
    stacks.push(t);
    let offered = 0;
    t.stack.verbs.onInvite(async (invite) => {
      offered++;
      await invite.accept({ sdp: testSdp() });
      return true;
    });
    for (const transport of ["u1", "t1"] as const) await run(t, { scenario: "invite-404.xml", service: "9999", transport });
    assert.equal(offered, 0);
  });

  it("answers 403 over UDP to a source outside trustedPeers (over TCP/TLS it is closed at accept: connection-limits.test.ts)", async () => {
    const t = await startTestStack({ trustedPeers: ["10.0.0.0/8", "192.168.1.7"] });
    stacks.push(t);
    await run(t, { scenario: "invite-403.xml", service: "1001", transport: "u1" });
    assert.equal(t.stack.stats().transactions, 0);
  });

  it("answers 405 with Allow to MESSAGE and REGISTER, and 501 to an unknown method (RFC 3261 §8.2.1)", async () => {
    const t = await startTestStack({ served: ["1001"] });
    stacks.push(t);
    for (const transport of ["u1", "t1"] as const) await run(t, { scenario: "method-inspection.xml", service: "1001", transport });
    assert.equal(t.stack.stats().transactions, 0);
  });

  it("answers OPTIONS to a served DN with our Allow, and an UPDATE outside any dialog with 481", async () => {
    const t = await startTestStack({ served: ["1001"] });
    stacks.push(t);
    for (const transport of ["u1", "t1"] as const) await run(t, { scenario: "options-dn-update.xml", service: "1001", transport });
  });

  it("answers OPTIONS to the server itself with 200 and Allow", async () => {
    const t = await startTestStack();
    stacks.push(t);
    for (const transport of ["u1", "t1"] as const) await run(t, { scenario: "options-ping.xml", transport });
  });
});
