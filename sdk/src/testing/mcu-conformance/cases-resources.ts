/** Cases on releasing ports when parties leave and rooms close, and on refusals at the declared limits. */
import { AssertionError } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { McuErrors } from "../../mcu-errors.js";
import { expectPortReleased, expectRefusal } from "./kit-checks.js";
import { expectHearing, KIT_TONES } from "./kit-hearing.js";
import { inKitRoom, type McuConformanceOptions } from "./kit-room.js";
import type { McuConformanceCase } from "./mcu-conformance.js";

const { a: A, b: B, c: C } = KIT_TONES;

/** An offer with G.722 only (RFC 3551 payload type 9), which no G.711 mixer can take. */
const G722_ONLY_OFFER = ["v=0", "o=conformance 9 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 40000 RTP/AVP 9", "a=rtpmap:9 G722/8000", ""].join("\r\n");

function fail(message: string): never {
  throw new AssertionError({ message });
}

export function resourceCases(options: McuConformanceOptions): McuConformanceCase[] {
  return [
    {
      name: "leave and close: a leaving party's port is released and it is heard no more; closing the room releases every port",
      run: () =>
        inKitRoom(options, async ({ adapter, room, join }) => {
          const before = adapter.health();
          const [a, b, c] = [await join({ id: "a", tone: A }), await join({ id: "b", tone: B }), await join({ id: "c", tone: C })];
          await expectHearing([a], { a: [B, C] });
          await b.leave();
          await expectPortReleased(b.target.address, b.target.port, "after leave()");
          if (room.parties().includes("b")) fail(`room.parties() still lists b: ${room.parties().join(", ")}`);
          await expectHearing([a, c], { a: [C], c: [A] }, { settleMs: 200 });
          await room.close();
          for (const party of [a, c]) await expectPortReleased(party.target.address, party.target.port, `party ${party.id} after room.close()`);
          await delay(200);
          const count = a.rtp.arrivals.length;
          await delay(300);
          if (a.rtp.arrivals.length !== count) fail("media still arrives after room.close()");
          const after = adapter.health();
          if (after.parties !== before.parties || after.rooms !== before.rooms - 1) fail(`health after close: ${JSON.stringify(after)}; with the room open and empty: ${JSON.stringify(before)}`);
        }),
    },
    {
      name: "limits: needs beyond the capabilities, an offer with no common codec and a duplicate party are refused with their codes",
      run: () =>
        inKitRoom(options, async ({ adapter, room, join }) => {
          const limits = adapter.capabilities.limits;
          await expectRefusal(() => adapter.createRoom({ needs: { partiesPerRoom: limits.partiesPerRoom + 1 } }), McuErrors.unsupported.code, "a room needing more parties than the limit");
          await expectRefusal(() => adapter.createRoom({ needs: { codecs: ["NO-SUCH-CODEC"] } }), McuErrors.unsupported.code, "a room needing an unknown codec");
          await expectRefusal(() => room.join({ partyId: "g722", offer: G722_ONLY_OFFER }), McuErrors.noCommonCodec.code, "a G.722-only offer");
          await join({ id: "a" });
          await expectRefusal(() => join({ id: "a" }), McuErrors.duplicateParty.code, "a second party with the same id");
        }),
    },
    {
      name: "limits: one party more than partiesPerRoom and one room more than rooms are refused with TANDEM_ERR_MCU_LIMIT (each tried when declared at most limitProbe)",
      run: () =>
        inKitRoom(options, async ({ adapter, join }) => {
          const probe = options.limitProbe ?? 6;
          const { rooms, partiesPerRoom } = adapter.capabilities.limits;
          if (partiesPerRoom <= probe) {
            for (let i = 0; i < partiesPerRoom; i++) await join({ id: `p${i}` });
            await expectRefusal(() => join({ id: "one-too-many" }), McuErrors.limit.code, `party ${partiesPerRoom + 1} of a room`);
          }
          if (rooms <= probe) {
            const extra = [];
            try {
              while (adapter.health().rooms < rooms) extra.push(await adapter.createRoom({ label: "conformance-limit" }));
              await expectRefusal(() => adapter.createRoom(), McuErrors.limit.code, `room ${rooms + 1}`);
            } finally {
              await Promise.all(extra.map((r) => r.close()));
            }
          }
        }),
    },
  ];
}
