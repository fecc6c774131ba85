/**
 * The mcu-janus plugin in a real host beside the media plugin: selected by `plugins.media.adapter`, its rooms
 * offered as `media.rooms` and made in a real Janus; a boot with no Janus at the URL stops with
 * TANDEM_ERR_MCU_JANUS_CONNECT.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import mcuJanus from "@tandem/plugin-mcu-janus";
import media from "@tandem/plugin-media";
import { McuErrors, type McuCapabilities, type McuHealth, type MediaRooms } from "@tandem/sdk";
import { createTestHost } from "@tandem/testing";
import { freePort } from "../support/free-port.js";
import { startJanus, type JanusProcess } from "./janus-process.js";
import { roomsConsumer } from "../support/media/rooms-consumer.js";

const OFFER = ["v=0", "o=t 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 19000 RTP/AVP 8 0", "a=rtpmap:8 PCMA/8000", ""].join("\r\n");

describe("mcu-janus plugin in a host", { timeout: 300_000 }, () => {
  let janus: JanusProcess;
  before(async () => {
    janus = await startJanus(20);
  });
  after(() => janus.stop());

  it("is selected by the media plugin, and its rooms are AudioBridge rooms answering in the offered codec", async (t) => {
    const found: { rooms?: MediaRooms } = {};
    const host = await createTestHost({
      plugins: [media, mcuJanus, roomsConsumer(found)],
      config: { plugins: { media: { enabled: true, adapter: "mcu-janus" }, "mcu-janus": { enabled: true, url: janus.url }, "rooms-user": { enabled: true } } },
    });
    t.after(() => host.close());
    const rooms = found.rooms;
    assert.ok(rooms, "the consumer found media.rooms");
    assert.equal(rooms.adapterName, "mcu-janus");
    await assert.rejects(rooms.createRoom({ needs: { modes: ["whisper"] } }), (e: Error) => McuErrors.unsupported.is(e) && /mcu-janus .*mode whisper/.test(e.message));
    const room = await rooms.createRoom({ label: "c1", needs: { modes: ["listen-only"], record: { layouts: ["mono"] } } });
    const party = await room.join({ partyId: "customer", offer: OFFER });
    assert.match(party.localSdp, /m=audio \d+ RTP\/AVP 8\r\n/);
    const status = await host.inject({ method: "GET", url: "/api/v1/plugins/media/status" });
    const body = status.json() as { adapter: string; health: McuHealth; capabilities: McuCapabilities };
    assert.equal(body.adapter, "mcu-janus");
    assert.deepEqual({ status: body.health.status, rooms: body.health.rooms, parties: body.health.parties }, { status: "up", rooms: 1, parties: 1 });
    assert.equal(body.capabilities.play, null);
    await room.close();
  });

  it("stops the boot when Janus cannot be reached", async () => {
    const url = `ws://127.0.0.1:${await freePort()}`;
    await assert.rejects(
      createTestHost({ plugins: [media, mcuJanus], config: { plugins: { media: { enabled: true, adapter: "mcu-janus" }, "mcu-janus": { enabled: true, url, requestTimeoutMs: 1000 } } } }),
      (e: Error & { code?: string; cause?: { code?: string } }) =>
        e.code === "TANDEM_ERR_PLUGIN_REGISTER" && e.cause?.code === "TANDEM_ERR_MCU_JANUS_CONNECT" && e.message.includes(`mcu-janus cannot reach Janus at ${url}`),
    );
  });
});
