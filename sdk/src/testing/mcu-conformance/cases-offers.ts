/**
 * Cases on an offer the adapter makes to a party already in its room (RFC 3264 §8), as a phone's offerless
 * re-INVITE mid-call asks for (RFC 3261 §14.1): the phone may answer from a new address, and the room must follow.
 */
import { AssertionError } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { mcuAbilities } from "../../mcu-adapter.js";
import { expectUnsupported } from "./kit-checks.js";
import { expectHearing, KIT_TONES } from "./kit-hearing.js";
import { inKitRoom, type McuConformanceOptions } from "./kit-room.js";
import type { McuConformanceCase } from "./mcu-conformance.js";

const { a: A, b: B } = KIT_TONES;

function fail(message: string): never {
  throw new AssertionError({ message });
}

export function offerCases(options: McuConformanceOptions): McuConformanceCase[] {
  return [
    {
      name: "fresh offer: a party that answers the room's new offer from a new port is heard from there and hears the room there (or, declared absent, refused as unsupported)",
      run: () =>
        inKitRoom(options, async ({ adapter, join, answerFreshOffer }) => {
          const a = await join({ id: "a", tone: A });
          const b = await join({ id: "b", tone: B });
          const makeOffer = a.mcu.offer?.bind(a.mcu);
          if (!mcuAbilities(adapter.capabilities).freshOffer) {
            // Omitting offer() is as good as refusing it; a refusal must leave the media as it was.
            if (makeOffer) await expectUnsupported(adapter.name, makeOffer, "a fresh offer (freshOffer: false)");
            await expectHearing([a, b], { a: [B], b: [A] });
            return;
          }
          if (!makeOffer) fail("the adapter declares freshOffer but its party has no offer()");
          await expectHearing([a, b], { a: [B], b: [A] });
          const offer = await makeOffer();
          if (a.mcu.localSdp !== offer) fail(`after offer(), localSdp must be the new offer; it is:\n${a.mcu.localSdp}`);
          const moved = await answerFreshOffer(a, offer);
          await expectHearing([moved, b], { a: [B], b: [A] });
          const atOldPort = a.rtp.arrivals.length;
          await delay(300);
          if (a.rtp.arrivals.length !== atOldPort) fail(`media still arrives at a's old port ${a.rtp.port} after its answer moved it to ${moved.rtp.port}`);
        }),
    },
  ];
}
