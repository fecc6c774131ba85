/**
 * `npm start` alone gives a queued caller music: config.example.json as shipped (ports moved to free ones) runs as
 * a real Tandem process; no agent is logged in, no media server is configured, so a sipp customer calling the
 * routing point waits in the queue and gets a 183 whose SDP is the embedded media engine's, and the RTP test
 * party its offer named receives the default hold music (non-silent G.711) until the customer cancels.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { detectTones, RtpParty } from "@tandem/sdk/testing/media";
import { writeExampleConfig } from "../support/example-config.js";
import { freeUdpPortBlock } from "../support/free-port.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startTandem } from "../support/tandem-process.js";
import { tempDir } from "./helpers/temp-plugins.js";

const LISTEN_MS = 3000;

test("config.example.json: a caller queued with no agent and no media server hears the embedded hold music", { timeout: 180_000 }, async (t) => {
  t.after(killAllSipp);
  const dir = tempDir(t);
  // A port range leased by this test process, so concurrent media tests never meet it.
  const portMin = await freeUdpPortBlock(20);
  const example = await writeExampleConfig(dir, (config) => {
    Object.assign(config["plugins"]["media-engine"], { portMin, portMax: portMin + 19 });
  });
  const tandem = startTandem(t, "source", example.file, dir);
  await tandem.waitForOutput(/"msg":"tandem started"/);

  const caller = await RtpParty.open({ codec: "PCMU" });
  t.after(() => caller.close());
  const result = await runSipp({
    scenario: "queued-caller-early-media.xml",
    remote: `127.0.0.1:${example.sipPort}`,
    service: "5000",
    calls: 1,
    timeoutS: 30,
    messageLog: true,
    vars: { listen_port: String(caller.port) },
    extraArgs: ["-d", String(LISTEN_MS)],
  });
  assert.equal(result.failed, 0, `${result.errors}\n${result.messages}\n${result.stderr}`);
  assert.equal(result.successful, 1, `${result.errors}\n${result.messages}\n${tandem.output().slice(-3000)}`);

  const audio = caller.audio();
  assert.ok(audio.pcm.length >= 8 * (LISTEN_MS - 1000), `about ${LISTEN_MS} ms of audio arrived (got ${audio.pcm.length / 8} ms)`);
  const windows = detectTones(audio.pcm, { frequencies: [440], startMs: audio.startMs });
  const sounding = windows.filter((w) => !w.silent).length / windows.length;
  assert.ok(sounding >= 0.9, `music, not silence: ${Math.round(sounding * 100)} % of 100 ms windows sound`);
  assert.ok(caller.arrivals.every((a) => a.packet.payloadType === 0), "PCMU, as offered");
});
