/**
 * The embedded media engine through the MCU conformance kit, with limits small enough (3 rooms, 4 parties per
 * room) that the kit tries one room and one party past them.
 */
import { randomInt } from "node:crypto";
import { describe, it } from "node:test";
import { MediaEngine, withDefaults } from "@tandem/plugin-media-engine";
import type { McuAdapter } from "@tandem/sdk";
import { mcuConformanceCases } from "@tandem/sdk/testing/media";

async function startEngine(): Promise<MediaEngine> {
  // 40 port pairs of its own in 20000–32767: below the kernel's ephemeral range (32768–60999), where every
  // socket bound to port 0 (the kit's parties, sipp, other tests) lands, and apart from other test files' picks.
  const portMin = 20000 + 2 * randomInt(0, 6300 - 40);
  return MediaEngine.start("media-engine", withDefaults({ portMin, portMax: portMin + 79, maxRooms: 3, maxPartiesPerRoom: 4 }));
}

describe("media-engine passes the MCU conformance kit", () => {
  const cases = mcuConformanceCases({
    createAdapter: startEngine,
    disposeAdapter: (adapter: McuAdapter) => (adapter instanceof MediaEngine ? adapter.close() : undefined),
  });
  for (const c of cases) it(c.name, c.run);
});
