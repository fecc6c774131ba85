/**
 * The template MCU adapter (plugins/mcu-template) through the MCU conformance kit, with limits small enough
 * (2 rooms, 3 parties per room) that the kit tries one room and one party past them — the command a vendor runs
 * on an adapter made from it.
 */
import { describe, it } from "node:test";
import { LoopbackMixer, TemplateMcu, withDefaults } from "@tandem/plugin-mcu-template";
import type { McuAdapter } from "@tandem/sdk";
import { mcuConformanceCases } from "@tandem/sdk/testing/media";

describe("mcu-template passes the MCU conformance kit", { timeout: 300_000 }, () => {
  const cases = mcuConformanceCases({
    createAdapter: () => new TemplateMcu("mcu-template", new LoopbackMixer("127.0.0.1"), withDefaults({ maxRooms: 2, maxPartiesPerRoom: 3 })),
    disposeAdapter: (adapter: McuAdapter) => (adapter instanceof TemplateMcu ? adapter.close() : undefined),
  });
  for (const c of cases) it(c.name, c.run);
});
