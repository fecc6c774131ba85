/**
 * The Janus AudioBridge adapter through the MCU conformance kit, against a real Janus started for this file, with
 * limits small enough (3 rooms, 4 parties per room) that the kit tries one room and one party past them.
 *
 * Two kit cases check what the contract has no capability flag for, and AudioBridge cannot do with plain-RTP
 * participants: an offerless join (AudioBridge connects the participant's socket to the address given at join)
 * and inactivity reports (AudioBridge says nothing when a plain-RTP party's media stops). In their place this
 * file checks that the adapter refuses both with TANDEM_ERR_MCU_UNSUPPORTED naming itself.
 */
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { JanusMcu, withDefaults } from "@tandem/plugin-mcu-janus";
import { McuErrors, type McuAdapter } from "@tandem/sdk";
import { mcuConformanceCases } from "@tandem/sdk/testing/media";
import { startJanus, type JanusProcess } from "./janus-process.js";

/** Kit cases for abilities the contract cannot declare absent, replaced below by the adapter's refusals. */
const UNDECLARABLE = [/^offer\/answer both ways/, /^inactivity:/];

const OFFER = ["v=0", "o=t 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 19000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", ""].join("\r\n");

describe("mcu-janus passes the MCU conformance kit (real Janus AudioBridge)", () => {
  let janus: JanusProcess;
  before(async () => {
    // 60 ports of its own in 20000–32767: below the kernel's ephemeral range, where the kit's parties bind.
    const rtpMin = 20000 + 2 * randomInt(0, 6300 - 30);
    janus = await startJanus(rtpMin, rtpMin + 59);
  });
  after(() => janus.stop());

  const startAdapter = (): Promise<JanusMcu> => JanusMcu.start("mcu-janus", withDefaults({ url: janus.url, maxRooms: 3, maxPartiesPerRoom: 4 }));
  const cases = mcuConformanceCases({
    createAdapter: startAdapter,
    disposeAdapter: (adapter: McuAdapter) => (adapter instanceof JanusMcu ? adapter.close() : undefined),
  });
  for (const c of cases) if (!UNDECLARABLE.some((name) => name.test(c.name))) it(c.name, c.run);

  it("an offerless join and a join asking for inactivity reports are refused as unsupported, naming the adapter", async () => {
    const adapter = await startAdapter();
    try {
      const room = await adapter.createRoom();
      for (const request of [{ partyId: "offerless" }, { partyId: "watched", offer: OFFER, inactivityMs: 500 }]) {
        await assert.rejects(room.join(request), (error: Error & { code?: string }) => {
          assert.equal(error.code, McuErrors.unsupported.code);
          assert.match(error.message, /mcu-janus/);
          return true;
        });
      }
      assert.deepEqual(room.parties(), []);
      await room.close();
    } finally {
      await adapter.close();
    }
  });
});
