/**
 * What the Janus adapter does with party requests AudioBridge can and cannot honour, against a real Janus: a
 * re-offer keeping the party's media gets the same answer, one moving it or changing its codec is refused;
 * whisper (join or setMode) is refused; accept() after an answered join is out of order; a second recording of a
 * room is out of order, a target Janus cannot write is a failed recording; requests to a party that left name it as unknown. Every refusal names the adapter.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { JanusMcu, withDefaults } from "@tandem/plugin-mcu-janus";
import { McuErrors } from "@tandem/sdk";
import { startJanus, type JanusProcess } from "./janus-process.js";

function offer(port: number, formats: string): string {
  const names: Record<string, string> = { "0": "PCMU", "8": "PCMA" };
  const rtpmaps = formats.split(" ").map((f) => `a=rtpmap:${f} ${names[f]}/8000`);
  return ["v=0", "o=t 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", `m=audio ${port} RTP/AVP ${formats}`, ...rtpmaps, ""].join("\r\n");
}

async function refused(action: Promise<unknown>, error: { readonly code: string }, text: RegExp): Promise<void> {
  await assert.rejects(action, (e: Error & { code?: string }) => {
    assert.equal(e.code, error.code, e.message);
    assert.match(e.message, /mcu-janus/);
    assert.match(e.message, text);
    return true;
  });
}

let janus: JanusProcess;
before(async () => {
  janus = await startJanus(20);
});
after(() => janus.stop());

it("party requests beyond AudioBridge are refused with their codes; those it can do are done", { timeout: 180_000 }, async () => {
  const adapter = await JanusMcu.start("mcu-janus", withDefaults({ url: janus.url }));
  const folder = mkdtempSync(join(tmpdir(), "mcu-janus-"));
  try {
    const room = await adapter.createRoom();
    const party = await room.join({ partyId: "a", offer: offer(19002, "0 8") });
    assert.match(party.localSdp, /RTP\/AVP 0\r\n/);
    assert.equal(await party.reoffer(offer(19002, "0")), party.localSdp);
    await refused(party.reoffer(offer(19004, "0")), McuErrors.unsupported, /re-offer that moves/);
    await refused(party.reoffer(offer(19002, "8")), McuErrors.noCommonCodec, /party a/);
    await refused(party.setMode({ mode: "whisper", to: ["b"] }), McuErrors.unsupported, /mode whisper/);
    await refused(room.join({ partyId: "w", offer: offer(19006, "0"), mode: { mode: "whisper", to: ["a"] } }), McuErrors.unsupported, /mode whisper/);
    await refused(party.accept(offer(19002, "0")), McuErrors.wrongState, /accept an answer/);
    await refused(party.play({ source: "/tmp/x.wav" }), McuErrors.unsupported, /play/);
    await refused(room.record({ target: "relative.wav", channels: { layout: "mono" } }), McuErrors.recordFailed, /absolute path/);
    await refused(room.record({ target: "/proc/no-such/room.wav", channels: { layout: "mono" } }), McuErrors.recordFailed, /\/proc\/no-such\/room\.wav/);
    const recording = await room.record({ target: join(folder, "room.wav"), channels: { layout: "mono" } });
    await refused(room.record({ target: join(folder, "again.wav"), channels: { layout: "mono" } }), McuErrors.wrongState, /already being recorded/);
    await recording.stop();
    await party.setMode({ mode: "listen-only" });
    await party.setMode({ mode: "speak-listen" });
    await party.leave();
    await refused(party.setMode({ mode: "listen-only" }), McuErrors.unknownParty, /party a/);
    assert.deepEqual(room.parties(), []);
    await room.close();
    await refused(room.join({ partyId: "late", offer: offer(19008, "0") }), McuErrors.unknownRoom, new RegExp(room.id));
  } finally {
    await adapter.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
