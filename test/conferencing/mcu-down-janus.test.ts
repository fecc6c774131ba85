/**
 * Janus killed (SIGKILL) under a three-party conference held in its AudioBridge through mcu-janus: the adapter
 * sees its WebSocket close, reports the room lost and itself down, and the conferencing plugin recovers as for any
 * MCU (support/mcu-down-scenario.ts): coded EventError to both agents, the second agent freed, the customer and
 * the first agent re-INVITEd towards each other and heard directly, nobody left Busy.
 */
import { after, before, test } from "node:test";
import { killAllSipp } from "../support/sipp.js";
import { startJanus, type JanusProcess } from "../mcu-janus/janus-process.js";
import { mcuDownScenario } from "./support/mcu-down-scenario.js";

let janus: JanusProcess;
before(async () => {
  janus = await startJanus(40);
});
after(async () => {
  killAllSipp();
  await janus.stop();
});

test("Janus killed mid-conference: coded events, the customer and the first agent bridged directly and heard, the second agent freed", { timeout: 180_000 }, (t) =>
  mcuDownScenario(t, { janusUrl: janus.url }, () => janus.kill(true)));
