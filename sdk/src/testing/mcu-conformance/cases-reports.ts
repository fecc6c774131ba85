/** Cases on what an adapter reports: RFC 4733 telephone-events a party sends, and a party whose media stopped. */
import { AssertionError } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { mcuAbilities, type McuEvent, type McuPartyInactive, type McuTelephoneEvent } from "../../mcu-adapter.js";
import { eventually, expectUnsupported } from "./kit-checks.js";
import { KIT_TONES } from "./kit-hearing.js";
import { inKitRoom, type McuConformanceOptions } from "./kit-room.js";
import type { McuConformanceCase } from "./mcu-conformance.js";

const { a: A, b: B } = KIT_TONES;
const INACTIVITY_MS = 500;

function fail(message: string): never {
  throw new AssertionError({ message });
}

/** Collects the adapter's reports while `body` runs. */
async function collecting(subscribe: (listener: (event: McuEvent) => void) => () => void, body: (reports: McuEvent[]) => Promise<void>): Promise<void> {
  const reports: McuEvent[] = [];
  const unsubscribe = subscribe((event) => reports.push(event));
  try {
    await body(reports);
  } finally {
    unsubscribe();
  }
}

export function reportCases(options: McuConformanceOptions): McuConformanceCase[] {
  return [
    {
      name: "telephone-events: each key a party sends (RFC 4733) is reported once, with its duration (or, declared absent, not negotiated)",
      run: () =>
        inKitRoom(options, async ({ adapter, room, join }) =>
          collecting(
            (l) => adapter.onEvent(l),
            async (reports) => {
              const a = await join({ id: "a", tone: A, telephoneEvents: true });
              const pt = a.target.telephoneEventPayloadType;
              if (!adapter.capabilities.telephoneEvents) {
                if (pt !== undefined) fail(`the adapter declares no telephone-events but its answer accepts them (payload type ${pt})`);
                return;
              }
              if (pt === undefined) fail(`the adapter declares telephone-events but its answer has none:\n${a.mcu.localSdp}`);
              await delay(200);
              await a.stream?.sendEvent("7", 120, pt);
              await a.stream?.sendEvent("#", 80, pt);
              const keys = (): McuTelephoneEvent[] => reports.filter((e): e is McuTelephoneEvent => e.type === "telephone-event");
              await eventually(() => keys().length >= 2, 2000, `reports of keys 7 and # (got ${JSON.stringify(keys())})`);
              await delay(300);
              const got = keys().map((e) => [e.roomId, e.partyId, e.event]);
              if (JSON.stringify(got) !== JSON.stringify([[room.id, "a", "7"], [room.id, "a", "#"]])) fail(`reported: ${JSON.stringify(keys())}`);
              const [seven, hash] = keys();
              if (Math.abs((seven?.durationMs ?? 0) - 120) > 40 || Math.abs((hash?.durationMs ?? 0) - 80) > 40) fail(`durations 120 and 80 ms, reported ${seven?.durationMs} and ${hash?.durationMs}`);
            },
          ),
        ),
    },
    {
      name: "inactivity: a party whose media stops is reported once after inactivityMs, and again only after its media came back and stopped again (or, declared absent, a join asking for it refused as unsupported)",
      run: () =>
        inKitRoom(options, async ({ adapter, room, join }) =>
          collecting(
            (l) => adapter.onEvent(l),
            async (reports) => {
              if (!mcuAbilities(adapter.capabilities).inactivityReports) {
                await expectUnsupported(adapter.name, () => join({ id: "a", tone: A, inactivityMs: INACTIVITY_MS }), "a join asking for inactivity reports (inactivityReports: false)");
                if (room.parties().length !== 0) fail(`a refused join left parties in the room: ${room.parties().join(", ")}`);
                return;
              }
              const a = await join({ id: "a", tone: A, inactivityMs: INACTIVITY_MS });
              await join({ id: "b", tone: B, inactivityMs: INACTIVITY_MS });
              const inactive = (id: string): McuPartyInactive[] => reports.filter((e): e is McuPartyInactive => e.type === "party-inactive" && e.partyId === id);
              await delay(300);
              const stoppedAt = Date.now();
              a.stream?.pause();
              await eventually(() => inactive("a").length >= 1, INACTIVITY_MS + 2000, "a report that a went quiet");
              const after = Date.now() - stoppedAt;
              if (after < INACTIVITY_MS - 100) fail(`a was reported inactive ${after} ms after it stopped, before inactivityMs ${INACTIVITY_MS}`);
              await delay(INACTIVITY_MS * 2);
              if (inactive("a").length !== 1) fail(`a was reported ${inactive("a").length} times for one silence`);
              if (inactive("b").length !== 0) fail("b, which kept sending, was reported inactive");
              a.stream?.resume();
              await delay(400);
              a.stream?.pause();
              await eventually(() => inactive("a").length >= 2, INACTIVITY_MS + 2000, "a second report once a's media came back and stopped again");
            },
          ),
        ),
    },
  ];
}
