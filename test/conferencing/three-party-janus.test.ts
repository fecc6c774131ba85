/**
 * The three-party conference of three-party.test.ts with Janus AudioBridge as the MCU (the mcu-janus plugin,
 * selected by the media plugin, against a real Janus started on loopback for this file): AudioBridge must be
 * given each party's address at join, so conferencing brings every leg in by an offerless re-INVITE whose 2xx
 * offer Janus answers in the ACK. Tone detection on what each phone receives: each hears the other two, not
 * itself; after RequestDeleteFromConference the two left still hear each other through the room.
 */
import { after, before, test } from "node:test";
import { killAllBaresip } from "../support/media/baresip-peer.js";
import { killAllSipp } from "../support/sipp.js";
import { startJanus, type JanusProcess } from "../mcu-janus/janus-process.js";
import { threePartyScenario } from "./support/three-party-scenario.js";

let janus: JanusProcess;
before(async () => {
  // Janus's plain-RTP ports: 40 of its own in 20000–32767, below the kernel's ephemeral range where the phones bind.
  janus = await startJanus(40);
});
after(async () => {
  killAllBaresip();
  killAllSipp();
  await janus.stop();
});

test("three parties hear each other through Janus; a deleted party leaves the other two talking; nobody stays Busy", { timeout: 180_000 }, (t) =>
  threePartyScenario(t, { janusUrl: janus.url }));
