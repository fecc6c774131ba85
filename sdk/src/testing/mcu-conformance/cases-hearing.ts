/** Cases on who hears whom in each party mode, offer/answer both ways, and how fast a mode change is heard. */
import { AssertionError } from "node:assert";
import { setTimeout as delay } from "node:timers/promises";
import { mcuAbilities } from "../../mcu-adapter.js";
import { McuErrors } from "../../mcu-errors.js";
import { expectRefusal, expectUnsupported } from "./kit-checks.js";
import { expectHearing, heardWindows, KIT_TONES } from "./kit-hearing.js";
import { measureUnlessStalled } from "./kit-load.js";
import { inKitRoom, type McuConformanceOptions } from "./kit-room.js";
import type { McuConformanceCase } from "./mcu-conformance.js";

const { a: A, b: B, c: C } = KIT_TONES;
/** Measuring granularity of a mode change: the 20 ms windows the received audio is cut into. */
const WINDOW_MS = 20;

function fail(message: string): never {
  throw new AssertionError({ message });
}

export function hearingCases(options: McuConformanceOptions): McuConformanceCase[] {
  return [
    {
      name: "speak-listen: each of three parties hears the other two and never itself",
      run: () =>
        inKitRoom(options, async ({ join }) => {
          const parties = [await join({ id: "a", tone: A }), await join({ id: "b", tone: B }), await join({ id: "c", tone: C })];
          await expectHearing(parties, { a: [B, C], b: [A, C], c: [A, B] });
        }),
    },
    {
      name: "listen-only: heard by nobody, hears everyone (or refused as unsupported)",
      run: () =>
        inKitRoom(options, async ({ adapter, join }) => {
          const [a, b] = [await join({ id: "a", tone: A }), await join({ id: "b", tone: B })];
          if (!adapter.capabilities.modes.includes("listen-only")) {
            await expectRefusal(() => join({ id: "c", tone: C, mode: { mode: "listen-only" } }), McuErrors.unsupported.code, "a listen-only join");
            return;
          }
          const c = await join({ id: "c", tone: C, mode: { mode: "listen-only" } });
          await expectHearing([a, b, c], { a: [B], b: [A], c: [A, B] });
        }),
    },
    {
      name: "whisper: heard only by the parties it names, hears everyone (or refused as unsupported)",
      run: () =>
        inKitRoom(options, async ({ adapter, join }) => {
          const [a, b] = [await join({ id: "a", tone: A }), await join({ id: "b", tone: B })];
          const whisper = { mode: "whisper", to: ["b"] } as const;
          if (!adapter.capabilities.modes.includes("whisper")) {
            await expectRefusal(() => join({ id: "c", tone: C, mode: whisper }), McuErrors.unsupported.code, "a whisper join");
            return;
          }
          const c = await join({ id: "c", tone: C, mode: whisper });
          await expectHearing([a, b, c], { a: [B], b: [A, C], c: [A, B] });
        }),
    },
    {
      name: "offer/answer both ways: an offerless join answered with accept() hears and is heard (or, declared absent, refused as unsupported)",
      run: () =>
        inKitRoom(options, async ({ adapter, room, join }) => {
          if (!mcuAbilities(adapter.capabilities).offerlessJoin) {
            await expectUnsupported(adapter.name, () => join({ id: "a", tone: A, offerless: true }), "an offerless join (offerlessJoin: false)");
            if (room.parties().length !== 0) fail(`a refused join left parties in the room: ${room.parties().join(", ")}`);
            return;
          }
          const a = await join({ id: "a", tone: A, offerless: true });
          const b = await join({ id: "b", tone: B });
          await expectHearing([a, b], { a: [B], b: [A] });
        }),
    },
    {
      name: "a mode change is heard within the limit, both ways, without a re-INVITE",
      run: () =>
        inKitRoom(options, async ({ adapter, join }) => {
          const limit = options.modeSwitchMs ?? 100;
          const a = await join({ id: "a", tone: A });
          const c = await join({ id: "c", tone: C });
          await expectHearing([a], { a: [C] });
          const silent = adapter.capabilities.modes.includes("listen-only") ? ({ mode: "listen-only" } as const) : adapter.capabilities.modes.includes("whisper") ? ({ mode: "whisper", to: [] } as const) : undefined;
          if (!silent) {
            await expectRefusal(() => c.mcu.setMode({ mode: "listen-only" }), McuErrors.unsupported.code, "a change to listen-only");
            return;
          }
          const failure = await measureUnlessStalled(async () => {
            const offAt = a.rtp.now();
            await c.mcu.setMode(silent);
            await delay(600);
            const lastHeard = heardWindows(a, offAt - 300, a.rtp.now(), WINDOW_MS).filter((w) => w.tones.includes(C)).at(-1);
            const offMs = lastHeard ? lastHeard.toMs - offAt : 0;
            const onAt = a.rtp.now();
            await c.mcu.setMode({ mode: "speak-listen" });
            await delay(600);
            const firstHeard = heardWindows(a, onAt - WINDOW_MS, a.rtp.now(), WINDOW_MS).find((w) => w.fromMs >= onAt - WINDOW_MS && w.tones.includes(C));
            const onMs = firstHeard ? firstHeard.fromMs - onAt : Infinity;
            if (offMs <= limit + WINDOW_MS && onMs <= limit + WINDOW_MS) return undefined;
            return `a mode change must be heard within ${limit} ms (+${WINDOW_MS} ms measuring): ${silent.mode} took ${Math.round(offMs)} ms, speak-listen ${Math.round(onMs)} ms`;
          });
          if (failure) throw new AssertionError({ message: failure });
        }),
    },
  ];
}
