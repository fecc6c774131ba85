/** The per-party jitter buffer: order by sequence number, loss, lateness, duplicates, overfill and drain. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JitterBuffer } from "../../plugins/media-engine/src/worker/jitter-buffer.js";

/** A frame whose every sample is `value` (so the output tells which frame played). */
function frame(value: number, samples = 160): Int16Array {
  return new Int16Array(samples).fill(value);
}

function play(buffer: JitterBuffer, reads: number): number[] {
  const out = new Int16Array(160);
  const heard: number[] = [];
  for (let i = 0; i < reads; i++) {
    buffer.read(out);
    heard.push(out[0] === out[159] ? (out[0] as number) : NaN);
  }
  return heard;
}

describe("jitter buffer", { timeout: 300_000 }, () => {
  it("waits for its depth, then plays frames in sequence order whatever the arrival order", () => {
    const jb = new JitterBuffer(2, 10);
    jb.push(101, frame(2), 0);
    assert.deepEqual(play(jb, 1), [0], "silence until two frames are in");
    jb.push(100, frame(1), 0);
    jb.push(103, frame(4), 0);
    jb.push(102, frame(3), 0);
    assert.deepEqual(play(jb, 4), [1, 2, 3, 4]);
    assert.deepEqual(jb.counters, { late: 0, lost: 0, discarded: 0, duplicate: 0 });
  });

  it("plays a missing frame as silence (lost), drops late and duplicate packets, wraps at 65535", () => {
    const jb = new JitterBuffer(1, 10);
    jb.push(65534, frame(1), 0);
    assert.equal(jb.push(65534, frame(9), 0), false);
    jb.push(0, frame(3), 0);
    assert.deepEqual(play(jb, 3), [1, 0, 3]);
    assert.equal(jb.push(65535, frame(2), 0), false, "after its play-out time");
    assert.deepEqual(jb.counters, { late: 1, lost: 1, discarded: 0, duplicate: 1 });
  });

  it("reads packets of other durations as a stream of samples", () => {
    const jb = new JitterBuffer(1, 10);
    jb.push(1, frame(1, 80), 0);
    jb.push(2, frame(2, 240), 0);
    const out = new Int16Array(160);
    jb.read(out);
    assert.deepEqual([out[0], out[79], out[80], out[159]], [1, 1, 2, 2]);
    jb.read(out);
    assert.deepEqual([out[0], out[159]], [2, 2]);
  });

  it("drops the oldest frames when it overfills, and cuts back a depth that stayed high for a second", () => {
    const jb = new JitterBuffer(2, 6);
    for (let s = 0; s < 7; s++) jb.push(s, frame(s + 1), 0);
    assert.equal(jb.depth, 2, "overfilled: cut to the target depth");
    assert.equal(jb.counters.discarded, 5);
    const steady = new JitterBuffer(2, 50);
    let seq = 0;
    for (; seq < 6; seq++) steady.push(seq, frame(1), 0);
    for (let i = 0; i < 50; i++) {
      play(steady, 1);
      steady.push(seq++, frame(1), 0);
    }
    assert.equal(steady.depth, 2, "a burst that never drained is cut back");
    assert.equal(steady.counters.discarded, 4);
  });

  it("fills again after running dry, and starts over on a jump in sequence numbers", () => {
    const jb = new JitterBuffer(2, 10);
    jb.push(10, frame(1), 0);
    jb.push(11, frame(2), 0);
    assert.deepEqual(play(jb, 3), [1, 2, 0]);
    jb.push(12, frame(3), 0);
    assert.deepEqual(play(jb, 1), [0], "waits for its depth again");
    jb.push(5000, frame(7), 0);
    jb.push(5001, frame(8), 0);
    assert.deepEqual(play(jb, 2), [7, 8]);
    assert.equal(jb.counters.lost, 0);
  });

  it("keeps its own copy of each frame (the caller reuses one array), and a 60 ms packet grows its slot", () => {
    const jb = new JitterBuffer(2, 10);
    const decoded = new Int16Array(480);
    decoded.fill(5, 0, 160);
    jb.push(1, decoded, 0, 160);
    decoded.fill(6, 0, 160);
    jb.push(2, decoded, 0, 160);
    decoded.fill(9);
    jb.push(3, frame(7, 480), 0);
    assert.deepEqual(play(jb, 5), [5, 6, 7, 7, 7]);
    jb.push(4, frame(8), 0);
    assert.deepEqual(play(jb, 1), [8]);
  });

  it("drops the oldest frames the mixer skipped, but only what it holds beyond its depth", () => {
    const jb = new JitterBuffer(2, 20);
    for (let s = 0; s < 8; s++) jb.push(s, frame(s + 1), 0);
    jb.skip(5);
    assert.equal(jb.depth, 3, "five of the eight skipped");
    assert.deepEqual(play(jb, 1), [6]);
    jb.skip(4);
    assert.equal(jb.depth, 2, "never below its depth: a sender held up as well has not sent the rest yet");
    assert.deepEqual(play(jb, 2), [7, 8]);
    assert.equal(jb.counters.discarded, 0, "skipped frames are the mixer's count");
  });
});
