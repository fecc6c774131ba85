/**
 * The Janus AudioBridge adapter through the MCU conformance kit, against a real Janus started for this file, with
 * limits small enough (3 rooms, 4 parties per room) that the kit tries one room and one party past them.
 *
 * AudioBridge with plain-RTP participants can neither join a party without its offer nor make a fresh offer to
 * one (it connects the participant's socket to the address given at join), nor report a party whose media
 * stopped: the adapter declares the three ability flags false, and the kit checks that it refuses each with
 * TANDEM_ERR_MCU_UNSUPPORTED naming itself.
 */
import { after, before, describe, it } from "node:test";
import { JanusMcu, withDefaults } from "@tandem/plugin-mcu-janus";
import type { McuAdapter } from "@tandem/sdk";
import { mcuConformanceCases } from "@tandem/sdk/testing/media";
import { startJanus, type JanusProcess } from "./janus-process.js";

describe("mcu-janus passes the MCU conformance kit (real Janus AudioBridge)", { timeout: 300_000 }, () => {
  let janus: JanusProcess;
  before(async () => {
    // 60 ports of its own in 20000–32767: below the kernel's ephemeral range, where the kit's parties bind.
    janus = await startJanus(60);
  });
  after(() => janus.stop());

  const cases = mcuConformanceCases({
    createAdapter: () => JanusMcu.start("mcu-janus", withDefaults({ url: janus.url, maxRooms: 3, maxPartiesPerRoom: 4 })),
    disposeAdapter: (adapter: McuAdapter) => (adapter instanceof JanusMcu ? adapter.close() : undefined),
  });
  for (const c of cases) it(c.name, c.run);
});
