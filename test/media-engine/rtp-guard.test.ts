/**
 * RTP from anywhere but the negotiated source, and malformed, oversized or foreign-SSRC packets, are dropped and
 * counted, and the room's audio goes on untouched. Runs server and senders in a loopback-only network namespace
 * (the intruders use a second loopback address).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const repo = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

describe("media engine RTP guard", { timeout: 300_000 }, () => {
  it("drops and counts foreign, malformed, oversized, wrong-type and foreign-SSRC packets; the room sounds as before", () => {
    const run = spawnSync(
      "unshare",
      ["-n", "sh", "-c", "ip link set lo up && exec node --conditions=tandem-src --import tsx test/media-engine/rtp-guard-runner.ts"],
      { cwd: repo, encoding: "utf8", timeout: 120_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as {
      sent: Record<string, number>;
      heard700Only: number;
      heard1100: number;
      windows: number;
      metrics: Record<string, number>;
    };
    assert.deepEqual(out.metrics, out.sent, "every dropped packet counted under its reason, none else");
    assert.ok(out.windows >= 10, `listened ${out.windows} windows`);
    assert.equal(out.heard1100, 0, "no intruder tone reached the room");
    assert.ok(out.heard700Only >= 0.9, `the talker was heard throughout (${out.heard700Only})`);
  });
});
