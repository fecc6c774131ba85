/**
 * A mixer worker that stops unexpectedly takes only its own rooms: they are reported lost and their ports come
 * back, the engine reports itself degraded (down once no worker is left, and then refuses new rooms with the
 * coded error), and the rooms on the other worker go on sounding.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { MediaEngine } from "@tandem/plugin-media-engine";
import { McuErrors, type McuEvent, type McuRoom } from "@tandem/sdk";
import { closeParties, joinWithTone, partyOffer, shareHearing, startEngine } from "./engine-fixture.js";
import { until } from "../support/until.js";

/** Ends the worker thread that mixes `room` as a crash would (not through the engine's own close). */
async function crashWorkerOf(engine: MediaEngine, room: McuRoom): Promise<number> {
  const index = (room as unknown as { worker: { index: number } }).worker.index;
  const clients = engine["workers"] as unknown as Array<{ worker: { terminate(): Promise<number> } }>;
  await clients[index]!.worker.terminate();
  return index;
}

describe("media engine worker loss", { timeout: 300_000 }, () => {
  after(closeParties);

  it("loses only the stopped worker's rooms; the others go on; down once no worker is left", async (t) => {
    const engine = await startEngine({ workers: 2 });
    t.after(() => engine.close());
    const events: McuEvent[] = [];
    engine.onEvent((e) => events.push(e));
    const kept = await engine.createRoom();
    const a = await joinWithTone(kept, "a", 400);
    const b = await joinWithTone(kept, "b", 700);
    const doomed = await engine.createRoom();
    await joinWithTone(doomed, "c", 1100);
    await joinWithTone(doomed, "d", 400);
    assert.notEqual((kept as unknown as { worker: unknown }).worker, (doomed as unknown as { worker: unknown }).worker, "rooms spread over both workers");
    assert.equal(engine.ports.inUse, 4);

    const index = await crashWorkerOf(engine, doomed);
    await until(() => events.some((e) => e.type === "room-lost"), 5000, "room-lost");
    assert.deepEqual(events.filter((e) => e.type === "room-lost").map((e) => e.type === "room-lost" && e.roomId), [doomed.id]);
    const health = events.find((e) => e.type === "health");
    assert.ok(health?.type === "health" && health.health.status === "degraded" && health.health.detail === "1 of 2 mixer workers stopped");
    assert.equal(engine.ports.inUse, 2, "the lost room's ports came back");
    assert.deepEqual(engine.workerStates().map((w) => w.alive), [0, 1].map((i) => i !== index));
    await assert.rejects(doomed.join({ offer: partyOffer(40000) }), (e: Error) => McuErrors.unknownRoom.is(e));

    const from = a.rtp.now();
    await until(() => a.rtp.now() - from > 800 && shareHearing(a.rtp, [700], from) >= 0.9 && shareHearing(b.rtp, [400], from) >= 0.9, 8000, "the other room still sounding");
    const fresh = await engine.createRoom();
    assert.notEqual((fresh as unknown as { worker: { index: number } }).worker.index, index, "new rooms go to the live worker");
    await fresh.close();

    await crashWorkerOf(engine, kept);
    await until(() => engine.health().status === "down", 5000, "down");
    await assert.rejects(engine.createRoom(), (e: Error) => McuErrors.down.is(e) && /every mixer worker stopped/.test(e.message));
    assert.equal(engine.ports.inUse, 0);
  });
});
