/**
 * The template adapter's health: a backend that stops answering its probe makes the adapter `down` (a `health`
 * event, new rooms refused with TANDEM_ERR_MCU_DOWN naming the adapter), and `up` again once it answers.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { LoopbackMixer, TemplateMcu, withDefaults } from "@tandem/plugin-mcu-template";
import { McuErrors, type McuHealth } from "@tandem/sdk";
import { until } from "../support/until.js";

class FlakyMixer extends LoopbackMixer {
  answering = true;
  override async probe(): Promise<void> {
    if (!this.answering) throw new Error("probe timed out");
  }
}

it("a backend that stops answering makes the template adapter down, and up again when it answers", { timeout: 180_000 }, async () => {
  const mixer = new FlakyMixer("127.0.0.1");
  const adapter = new TemplateMcu("mcu-template", mixer, withDefaults({ healthIntervalMs: 100 }));
  const reported: McuHealth[] = [];
  adapter.onEvent((e) => (e.type === "health" ? reported.push(e.health) : undefined));
  try {
    mixer.answering = false;
    await until(() => adapter.health().status === "down", 5000, "down");
    assert.equal(reported.at(-1)?.status, "down");
    assert.match(adapter.health().detail ?? "", /probe timed out/);
    await assert.rejects(adapter.createRoom(), (error: Error & { code?: string }) => error.code === McuErrors.down.code && /mcu-template/.test(error.message));
    mixer.answering = true;
    await until(() => adapter.health().status === "up", 5000, "up again");
    assert.deepEqual(reported.map((h) => h.status), ["down", "up"]);
    await (await adapter.createRoom()).close();
  } finally {
    await adapter.close();
  }
});
