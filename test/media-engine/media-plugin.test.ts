/**
 * The media plugin in a real host: it selects the configured adapter from the `media.mcu` extension point, offers
 * it as `media.rooms`, refuses new rooms while the adapter is down and needs the adapter lacks (coded errors naming
 * the adapter), and stops the boot when no plugin provides the configured adapter.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestHost, type TestHost } from "@tandem/testing";
import {
  definePlugin,
  MCU_ADAPTER,
  McuErrors,
  mcuMissing,
  type McuAdapter,
  type McuCapabilities,
  type McuHealth,
  type McuRoom,
  type McuEvent,
  type MediaRooms,
} from "@tandem/sdk";
import media from "@tandem/plugin-media";
import { roomsConsumer } from "../support/media/rooms-consumer.js";

const CAPS: McuCapabilities = {
  codecs: ["PCMU"],
  modes: ["speak-listen", "listen-only"],
  telephoneEvents: false,
  record: null,
  play: { schemes: ["file"], formats: ["wav"], loop: true },
  limits: { rooms: 10, partiesPerRoom: 3 },
};

class FakeAdapter implements McuAdapter {
  readonly name = "fake";
  readonly capabilities = CAPS;
  status: McuHealth["status"] = "up";
  rooms = 0;
  private readonly listeners = new Set<(e: McuEvent) => void>();
  health(): McuHealth {
    return { status: this.status, detail: this.status === "down" ? "unplugged" : undefined, rooms: this.rooms, parties: 0 };
  }
  async createRoom(): Promise<McuRoom> {
    this.rooms++;
    const id = `r${this.rooms}`;
    return { id, parties: () => [], join: () => Promise.reject(new Error("not here")), play: () => Promise.reject(new Error("not here")), record: () => Promise.reject(new Error("not here")), close: async () => {} };
  }
  onEvent(listener: (e: McuEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: McuEvent): void {
    for (const l of this.listeners) l(e);
  }
}

function fakeAdapterPlugin(adapter: FakeAdapter) {
  return definePlugin({
    manifest: { name: "fake-mcu", version: "0.1.0", sdk: "^0.1.0", dependsOn: ["media"] },
    register(ctx) {
      ctx.extensions.provide(MCU_ADAPTER, adapter.name, adapter);
    },
  });
}

async function hostWith(adapter: FakeAdapter): Promise<{ host: TestHost; rooms: MediaRooms }> {
  const found: { rooms?: MediaRooms } = {};
  const host = await createTestHost({
    plugins: [media, fakeAdapterPlugin(adapter), roomsConsumer(found)],
    config: { plugins: { media: { enabled: true, adapter: "fake" }, "fake-mcu": { enabled: true }, "rooms-user": { enabled: true } } },
  });
  assert.ok(found.rooms, "the consumer found media.rooms");
  return { host, rooms: found.rooms };
}

describe("media plugin", { timeout: 300_000 }, () => {
  it("offers the configured adapter's rooms and passes its reports on", async (t) => {
    const adapter = new FakeAdapter();
    const { host, rooms } = await hostWith(adapter);
    t.after(() => host.close());
    assert.equal(rooms.adapterName, "fake");
    const room = await rooms.createRoom({ label: "c1", needs: { modes: ["listen-only"], partiesPerRoom: 3 } });
    assert.equal(room.id, "r1");
    const seen: McuEvent[] = [];
    rooms.onEvent((e) => seen.push(e));
    adapter.emit({ type: "party-inactive", roomId: "r1", partyId: "p", inactiveMs: 5000 });
    assert.deepEqual(seen.map((e) => e.type), ["party-inactive"]);

    const status = await host.inject({ method: "GET", url: "/api/v1/plugins/media/status" });
    assert.equal(status.statusCode, 200);
    const body = status.json() as { adapter: string; health: McuHealth; capabilities: McuCapabilities };
    assert.equal(body.adapter, "fake");
    assert.equal(body.health.rooms, 1);
    assert.deepEqual(body.capabilities.modes, CAPS.modes);
  });

  it("refuses what the adapter lacks and new rooms while it is down, naming the adapter", async (t) => {
    const adapter = new FakeAdapter();
    const { host, rooms } = await hostWith(adapter);
    t.after(() => host.close());
    await assert.rejects(rooms.createRoom({ needs: { modes: ["whisper"] } }), (e: Error) => McuErrors.unsupported.is(e) && /fake .*mode whisper/.test(e.message));
    await assert.rejects(rooms.createRoom({ needs: { record: { layouts: ["mono"] } } }), (e: Error) => McuErrors.unsupported.is(e) && /recording/.test(e.message));
    await assert.rejects(rooms.createRoom({ needs: { partiesPerRoom: 4 } }), (e: Error) => McuErrors.unsupported.is(e) && /4 parties per room \(limit 3\)/.test(e.message));
    assert.equal(adapter.rooms, 0, "the adapter was never asked");
    adapter.status = "down";
    await assert.rejects(rooms.createRoom(), (e: Error) => McuErrors.down.is(e) && /fake .*unplugged/.test(e.message));
    adapter.status = "up";
    await rooms.createRoom();
    assert.equal(adapter.rooms, 1);
  });

  it("stops the boot when no plugin provides the configured adapter", async () => {
    await assert.rejects(
      createTestHost({ plugins: [media], config: { plugins: { media: { enabled: true, adapter: "nobody" } } } }),
      (e: Error & { code?: string; cause?: { code?: string } }) =>
        e.code === "TANDEM_ERR_PLUGIN_READY" && e.cause?.code === "TANDEM_ERR_MCU_NO_ADAPTER" && /nobody.*provided: none/.test(e.message),
    );
  });

  it("mcuMissing lists every lacking capability and nothing when all are there", () => {
    assert.deepEqual(mcuMissing(CAPS, { codecs: ["pcmu"], modes: ["speak-listen"], play: { schemes: ["file"], loop: true } }), []);
    assert.deepEqual(mcuMissing(CAPS, { codecs: ["G722"], telephoneEvents: true, play: { schemes: ["https"] } }), ["codec G722", "telephone-events", "play from https:"]);
  });
});
