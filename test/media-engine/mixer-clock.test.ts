/**
 * The mixer's 20 ms clock after the thread was held up: the ticks it owes run one by one with the sockets read
 * between them (packets that reached the kernel meanwhile are in before the next frame is read), and past five
 * owed ticks the oldest are skipped. The clock's time is a controlled number; its timers and sockets are real.
 */
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { describe, it } from "node:test";
import { FRAME_MS, MixerClock } from "../../plugins/media-engine/src/worker/mixer-clock.js";
import { until } from "../support/until.js";

function bound(): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.bind(0, "127.0.0.1", () => resolve(socket));
  });
}

/** A clock on a controlled time, recording each tick's time, lateness and skips. */
function heldClock(onTick: (now: number) => void = () => {}) {
  const time = { now: 0 };
  const ticks: number[] = [];
  const skips: number[] = [];
  let late = 0;
  const clock = new MixerClock(
    (now) => {
      ticks.push(now);
      onTick(now);
    },
    () => late++,
    (frames) => skips.push(frames),
    () => time.now,
  );
  return { clock, time, ticks, skips, late: () => late };
}

describe("mixer clock", { timeout: 300_000 }, () => {
  it("runs the ticks it owes one by one, reading the packets that came while it was held up before each next one", async () => {
    const [party, mixer] = await Promise.all([bound(), bound()]);
    let received = 0;
    mixer.on("message", () => received++);
    const receivedAtTick: number[] = [];
    const { clock, time, ticks, late } = heldClock(() => {
      receivedAtTick.push(received);
      // The party's packet reaches the kernel while this tick runs (loopback delivers within send()).
      if (receivedAtTick.length === 1) party.send(Buffer.from([0x80]), mixer.address().port, "127.0.0.1");
    });
    try {
      clock.start();
      // Held up: three ticks (due at 20, 40 and 60) are owed when the first timer fires.
      time.now = 75;
      await until(() => ticks.length >= 3, 5000, "three ticks");
      assert.deepEqual(receivedAtTick.slice(0, 3), [0, 1, 1], "the packet sent during the first tick was read before the second");
      assert.equal(late(), 3, "each owed tick started 10 ms or more after its due time");
    } finally {
      clock.stop();
      party.close();
      mixer.close();
    }
  });

  it("skips the oldest owed ticks past five and keeps its 20 ms grid", async () => {
    const { clock, time, ticks, skips } = heldClock();
    try {
      clock.start();
      // Eleven ticks owed (due at 20, 40 … 220).
      time.now = 20 + 10 * FRAME_MS;
      await until(() => ticks.length >= 6, 5000, "the catch-up ticks");
      assert.deepEqual(skips, [5], "the five oldest after the first tick were skipped");
      assert.equal(ticks.length, 6, "one tick when the timer fired, then five caught up");
      time.now += FRAME_MS;
      await until(() => ticks.length >= 7, 5000, "the next tick on the grid");
      assert.deepEqual(skips, [5], "back on time: nothing more skipped");
    } finally {
      clock.stop();
    }
  });
});
