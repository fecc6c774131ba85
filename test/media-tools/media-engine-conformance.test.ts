/**
 * The embedded media engine through the MCU conformance kit, with limits small enough (3 rooms, 4 parties per
 * room) that the kit tries one room and one party past them.
 */
import { describe, it } from "node:test";
import { MediaEngine, withDefaults } from "@tandem/plugin-media-engine";
import type { McuAdapter } from "@tandem/sdk";
import { mcuConformanceCases } from "@tandem/sdk/testing/media";
import { portRange } from "../media-engine/engine-fixture.js";

async function startEngine(): Promise<MediaEngine> {
  // 40 port pairs leased by this test process: the kit checks a released port can be bound again, which another
  // test file's engine with an overlapping range could take in between.
  return MediaEngine.start("media-engine", withDefaults({ ...(await portRange(40)), maxRooms: 3, maxPartiesPerRoom: 4 }));
}

describe("media-engine passes the MCU conformance kit", { timeout: 300_000 }, () => {
  const cases = mcuConformanceCases({
    createAdapter: startEngine,
    disposeAdapter: (adapter: McuAdapter) => (adapter instanceof MediaEngine ? adapter.close() : undefined),
  });
  for (const c of cases) it(c.name, c.run);
});
