/**
 * The Janus adapter's health against a real Janus that dies, hangs and comes back: the lost session is reported
 * (`health` down, each room `room-lost`), new rooms are refused with TANDEM_ERR_MCU_DOWN naming the adapter, and
 * the adapter is up again by itself once Janus answers. A Janus that cannot be reached at start is a coded error.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AUDIOBRIDGE, JanusClient, JanusErrors, JanusMcu, withDefaults } from "@tandem/plugin-mcu-janus";
import { McuErrors, type McuEvent } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { until } from "../support/until.js";
import { startJanus, type JanusProcess } from "./janus-process.js";

const OFFER = ["v=0", "o=t 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "m=audio 19000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", ""].join("\r\n");

async function expectCode(action: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(action, (error: Error & { code?: string }) => {
    assert.equal(error.code, code, error.message);
    assert.match(error.message, /mcu-janus/);
    return true;
  });
}

describe("mcu-janus health follows Janus", { timeout: 300_000 }, () => {
  let janus: JanusProcess;
  before(async () => {
    janus = await startJanus(40);
  });
  after(() => janus.stop());

  const start = (): Promise<JanusMcu> => JanusMcu.start("mcu-janus", withDefaults({ url: janus.url, keepaliveMs: 200, requestTimeoutMs: 1000, reconnectMs: 200 }));

  it("Janus killed: down with each room lost and new rooms refused; restarted: up again and rooms work", async () => {
    const adapter = await start();
    const events: McuEvent[] = [];
    adapter.onEvent((e) => events.push(e));
    try {
      const room = await adapter.createRoom({ label: "before" });
      await room.join({ partyId: "a", offer: OFFER });
      assert.deepEqual(adapter.health(), { status: "up", rooms: 1, parties: 1 });
      await janus.kill(true);
      await until(() => adapter.health().status === "down", 10_000, "the adapter down");
      assert.deepEqual(events.filter((e) => e.type === "room-lost").map((e) => (e.type === "room-lost" ? e.roomId : "")), [room.id]);
      assert.ok(events.some((e) => e.type === "health" && e.health.status === "down"), JSON.stringify(events));
      assert.match(adapter.health().detail ?? "", /Janus/);
      await expectCode(adapter.createRoom(), McuErrors.down.code);
      await janus.restart();
      await until(() => adapter.health().status === "up", 15_000, "the adapter up again");
      assert.ok(events.some((e) => e.type === "health" && e.health.status === "up"));
      const again = await adapter.createRoom({ label: "after" });
      const party = await again.join({ partyId: "b", offer: OFFER });
      assert.match(party.localSdp, /m=audio \d+ RTP\/AVP 0/);
      await again.close();
    } finally {
      await adapter.close();
    }
  });

  it("Janus hanging (no keepalive answer with its socket open): down, up again once it answers, and the lost session's room destroyed", async () => {
    const adapter = await start();
    try {
      const before = await adapter.createRoom({ label: "before the hang" });
      janus.signal("SIGSTOP");
      try {
        await until(() => adapter.health().status === "down", 10_000, "the adapter down");
        assert.match(adapter.health().detail ?? "", /keepalive/);
      } finally {
        janus.signal("SIGCONT");
      }
      await until(() => adapter.health().status === "up", 15_000, "the adapter up again");
      const room = await adapter.createRoom();
      await room.close();
      // Janus lived through it, and so did the AudioBridge room of the lost session: the new session destroyed it.
      const observer = await JanusClient.connect(janus.url, 2000);
      try {
        const handle = await observer.attach(AUDIOBRIDGE);
        await until(async () => (await observer.message(handle, { request: "exists", room: before.id })).exists === false, 5000, "the lost session's room destroyed");
      } finally {
        await observer.close();
      }
    } finally {
      await adapter.close();
    }
  });

  it("no Janus at the URL: TANDEM_ERR_MCU_JANUS_CONNECT", async () => {
    const url = `ws://127.0.0.1:${await freePort()}`;
    await expectCode(JanusMcu.start("mcu-janus", withDefaults({ url, requestTimeoutMs: 1000 })), JanusErrors.connect.code);
  });
});
