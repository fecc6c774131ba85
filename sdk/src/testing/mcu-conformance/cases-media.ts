/** Cases on playing into a room or to one party (once and looped) and on what a recording file holds. */
import { AssertionError } from "node:assert";
import { join as joinPath } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { McuRecordRequest } from "../../mcu-adapter.js";
import { McuErrors } from "../../mcu-errors.js";
import { toneSamples } from "../media/tone.js";
import { describeSegments, fractionHearing, toneSegments } from "../media/tone-detector.js";
import { analyzeWav } from "../media/wav-analysis.js";
import { writeWav } from "../media/wav-file.js";
import { expectRefusal } from "./kit-checks.js";
import { expectHearing, KIT_CANDIDATES, KIT_TONES } from "./kit-hearing.js";
import { inKitRoom, type McuConformanceOptions } from "./kit-room.js";
import type { McuConformanceCase } from "./mcu-conformance.js";

const { a: A, b: B, c: C, played: P } = KIT_TONES;

function fail(message: string): never {
  throw new AssertionError({ message });
}

/** A WAV of the played tone, 8 kHz mono 16-bit. */
function playedFile(folder: string, durationMs: number): string {
  const path = joinPath(folder, `played-${durationMs}ms.wav`);
  writeWav(path, [toneSamples([P], durationMs)], 8000);
  return path;
}

export function mediaCases(options: McuConformanceOptions): McuConformanceCase[] {
  return [
    {
      name: "play: the room hears what is played to it; a party alone hears what is played to it (or refused)",
      run: () =>
        inKitRoom(options, async ({ adapter, room, folder, join }) => {
          const source = playedFile(folder, 1500);
          if (!adapter.capabilities.play) return expectRefusal(() => room.play({ source }), McuErrors.unsupported.code, "play");
          const [a, b] = [await join({ id: "a", tone: A }), await join({ id: "b", tone: B })];
          const toRoom = await room.play({ source });
          await expectHearing([a, b], { a: [B, P], b: [A, P] }, { settleMs: 300, listenMs: 800 });
          await Promise.race([toRoom.ended, delay(3000).then(() => fail("a 1.5 s playback did not end within 3 s"))]);
          await expectHearing([a, b], { a: [B], b: [A] }, { settleMs: 200, listenMs: 400 });
          const toA = await a.mcu.play({ source });
          await expectHearing([a, b], { a: [B, P], b: [A] }, { settleMs: 300, listenMs: 800 });
          await toA.stop();
        }),
    },
    {
      name: "play loop: a short source loops until stopped, and stop ends it (or refused)",
      run: () =>
        inKitRoom(options, async ({ adapter, room, folder, join }) => {
          const source = playedFile(folder, 300);
          if (!adapter.capabilities.play?.loop) return expectRefusal(() => room.play({ source, loop: true }), McuErrors.unsupported.code, "a looped play");
          const a = await join({ id: "a", tone: A });
          const b = await join({ id: "b", tone: B });
          const looped = await room.play({ source, loop: true });
          await expectHearing([a], { a: [B, P] }, { settleMs: 700, listenMs: 800 });
          await looped.stop();
          await Promise.race([looped.ended, delay(1000).then(() => fail("a stopped playback's `ended` did not resolve"))]);
          await expectHearing([a, b], { a: [B], b: [A] }, { settleMs: 300, listenMs: 500 });
        }),
    },
    {
      name: "record mono: the room's parties but no listen-only one, paused time written as silence (or refused)",
      run: () =>
        inKitRoom(options, async ({ adapter, room, folder, join }) => {
          const target = joinPath(folder, "mono.wav");
          const request: McuRecordRequest = { target, channels: { layout: "mono" } };
          const record = adapter.capabilities.record;
          if (!record?.layouts.includes("mono")) return expectRefusal(() => room.record(request), McuErrors.unsupported.code, "a mono recording");
          const listenOnly = adapter.capabilities.modes.includes("listen-only");
          await join({ id: "a", tone: A });
          await join({ id: "b", tone: B });
          if (listenOnly) await join({ id: "c", tone: C, mode: { mode: "listen-only" } });
          await delay(300);
          const recording = await room.record(request);
          await delay(1000);
          if (record.pause) {
            await recording.pause();
            await delay(800);
            await recording.resume();
            await delay(600);
          } else {
            await expectRefusal(() => recording.pause(), McuErrors.unsupported.code, "pausing a recording");
          }
          const result = await recording.stop();
          const file = analyzeWav(result.target, { frequencies: KIT_CANDIDATES });
          const windows = file.channels[0]?.windows ?? [];
          const timeline = describeSegments(toneSegments(windows));
          if (file.channelCount !== 1) fail(`a mono recording has ${file.channelCount} channels`);
          if (Math.abs(file.durationMs - result.durationMs) > 100) fail(`the file lasts ${file.durationMs} ms, the result says ${result.durationMs} ms`);
          if (fractionHearing(windows, [A, B], 100, 900) < 0.8) fail(`the first second should hold a and b (${A}+${B} Hz): ${timeline}`);
          if (windows.some((w) => w.tones.includes(C))) fail(`the listen-only party (${C} Hz) is in the recording: ${timeline}`);
          if (record.pause) {
            if (Math.abs(result.pausedMs - 800) > 200) fail(`paused about 800 ms, the result says ${result.pausedMs} ms`);
            const longest = Math.max(0, ...(file.channels[0]?.silences ?? []).map((s) => s.toMs - s.fromMs));
            if (longest < 500) fail(`the 800 ms pause should be silence in the file: ${timeline}`);
          }
        }),
    },
    {
      name: "record two channels: the left parties on the first channel, the right ones on the second (or refused)",
      run: () =>
        inKitRoom(options, async ({ adapter, room, folder, join }) => {
          const request: McuRecordRequest = { target: joinPath(folder, "stereo.wav"), channels: { layout: "two-channel", left: ["a"], right: ["b"] } };
          if (!adapter.capabilities.record?.layouts.includes("two-channel")) return expectRefusal(() => room.record(request), McuErrors.unsupported.code, "a two-channel recording");
          await join({ id: "a", tone: A });
          await join({ id: "b", tone: B });
          await delay(300);
          const recording = await room.record(request);
          await delay(1200);
          const result = await recording.stop();
          const file = analyzeWav(result.target, { frequencies: KIT_CANDIDATES });
          if (file.channelCount !== 2) fail(`a two-channel recording has ${file.channelCount} channels`);
          const [left, right] = [file.channels[0]?.windows ?? [], file.channels[1]?.windows ?? []];
          if (fractionHearing(left, [A]) < 0.8) fail(`left should hold a (${A} Hz) only: ${describeSegments(toneSegments(left))}`);
          if (fractionHearing(right, [B]) < 0.8) fail(`right should hold b (${B} Hz) only: ${describeSegments(toneSegments(right))}`);
        }),
    },
  ];
}
