/**
 * The MCU failing under a three-party conference (support/mcu-down-scenario.ts): here an adapter in front of the
 * embedded engine that is unplugged (every room closed and reported lost, the adapter down); mcu-down-janus.test.ts
 * kills a real Janus instead.
 */
import { after, test } from "node:test";
import { killAllSipp } from "../support/sipp.js";
import { mcuDownScenario } from "./support/mcu-down-scenario.js";
import { unpluggablePlugin, type UnpluggableMcu } from "./support/unpluggable-mcu.js";

after(() => killAllSipp());

test("the MCU goes down mid-conference: coded events, the customer and the first agent bridged directly and heard, the second agent freed", { timeout: 180_000 }, async (t) => {
  const holder: { mcu?: UnpluggableMcu } = {};
  await mcuDownScenario(t, { adapters: [unpluggablePlugin(holder)], adapter: "unpluggable" }, async () => {
    await holder.mcu?.unplug();
  });
});
