/**
 * B2BUA: sipp UAC → Tandem (`onInvite` → `invite` to a sipp UAS → `bridge`) → sipp UAS. Tandem holds the
 * far leg with a re-INVITE (RFC 3264 §8.4: the UAS scenario fails unless it sees a=sendonly), then a BYE
 * from either side must end the other side too.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SipError } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTestStack, type TestStack } from "../support/test-stack.js";

describe("B2BUA between two sipp peers", { timeout: 300_000 }, () => {
  let t: TestStack;
  let uasPort = 0;
  let uasTransport = "";
  const problems: string[] = [];
  let holdFromTandem = true;
  before(async () => {
    t = await startTestStack();
    const verbs = t.stack.verbs;
    verbs.onInvite(async (inbound) => {
      const out = verbs.invite({
        target: `sip:2001@127.0.0.1:${uasPort}${uasTransport}`,
        from: `sip:${inbound.request.from.user ?? "anonymous"}@127.0.0.1`,
        ...(inbound.offer ? { sdp: inbound.offer } : {}),
        onProgress: () => inbound.progress(),
      });
      inbound.onCancel(() => out.cancel());
      try {
        const b = await out.answered;
        const a = await inbound.accept({ sdp: b.remoteSdp ?? "" });
        verbs.bridge(a, b);
        if (holdFromTandem) await b.hold();
      } catch (error) {
        problems.push(error instanceof SipError ? `SIP ${error.status} ${error.origin}` : String(error));
        inbound.reject(error instanceof SipError ? error.status : 500);
      }
      return true;
    });
  });
  after(async () => {
    killAllSipp();
    await t.stack.stop();
  });

  const cases = [
    { name: "caller hangs up", uac: "b2b-uac-bye.xml", uas: "b2b-uas-hold.xml" },
    { name: "callee hangs up", uac: "b2b-uac-wait.xml", uas: "b2b-uas-hold-bye.xml" },
  ];
  for (const transport of ["u1", "t1"] as const) {
    for (const c of cases) {
      it(`${c.name} over ${transport === "u1" ? "UDP" : "TCP"}: hold seen, both legs end`, async () => {
        problems.length = 0;
        uasPort = await freePort();
        uasTransport = transport === "t1" ? ";transport=tcp" : "";
        const calls = 10;
        const uas = runSipp({ scenario: c.uas, localPort: uasPort, transport, calls, timeoutS: 30 });
        await new Promise((r) => setTimeout(r, 300));
        const uac = await runSipp({
          scenario: c.uac,
          remote: `127.0.0.1:${t.port}`,
          localPort: await freePort(),
          transport,
          service: "1001",
          calls,
          rate: 10,
          timeoutS: 30,
        });
        const callee = await uas;
        assert.deepEqual(problems, []);
        assert.equal(uac.failed, 0, uac.errors);
        assert.equal(uac.successful, calls, uac.errors);
        assert.equal(callee.failed, 0, callee.errors);
        assert.equal(callee.successful, calls, callee.errors);
        assert.equal(t.stack.stats().dialogs, 0);
      });
    }
  }

  // Tandem only relays here (no hold of its own): the scenarios on each side check what crossed the bridge.
  const relays = [
    { what: "the caller's hold re-INVITE and INFO to the callee", uas: "b2b-uas-relay.xml", uac: "b2b-uac-relay.xml" },
    { what: "an offerless re-INVITE: callee offers, caller answers in the ACK,", uas: "b2b-uas-offerless.xml", uac: "b2b-uac-offerless.xml" },
  ];
  for (const relay of relays) {
    for (const transport of ["u1", "t1"] as const) {
      it(`relays ${relay.what} over ${transport === "u1" ? "UDP" : "TCP"}`, async () => {
        problems.length = 0;
        holdFromTandem = false;
        uasPort = await freePort();
        uasTransport = transport === "t1" ? ";transport=tcp" : "";
        const uas = runSipp({ scenario: relay.uas, localPort: uasPort, transport, calls: 5, timeoutS: 30 });
        await new Promise((r) => setTimeout(r, 300));
        const remote = `127.0.0.1:${t.port}`;
        const uac = await runSipp({ scenario: relay.uac, remote, localPort: await freePort(), transport, service: "1001", calls: 5, rate: 5, timeoutS: 30 });
        const callee = await uas;
        holdFromTandem = true;
        assert.deepEqual(problems, []);
        assert.equal(uac.failed, 0, uac.errors);
        assert.equal(uac.successful, 5, uac.errors);
        assert.equal(callee.failed, 0, callee.errors);
        assert.equal(callee.successful, 5, callee.errors);
      });
    }
  }
});
