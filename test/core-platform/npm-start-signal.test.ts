/**
 * `npm start` under a service manager or a container runtime: SIGTERM goes to npm, which passes it to its
 * script's shell. The script must `exec` node so the signal reaches Tandem, which then shuts down gracefully
 * (its "tandem stopped" line) and exits 0 — instead of the shell dying and leaving node running unsupervised.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { writeExampleConfig } from "../support/example-config.js";
import { alive, programName, startTandem } from "../support/tandem-process.js";
import { until } from "../support/until.js";
import { tempDir } from "./helpers/temp-plugins.js";

test("SIGTERM to `npm start` stops the Tandem node process gracefully within seconds", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const example = await writeExampleConfig(dir);
  const npm = startTandem(t, "npm-start", example.file);
  await npm.waitForOutput(/"msg":"tandem started"/, 120_000);
  const [node] = npm.processes().filter((pid) => programName(pid) === "node");
  assert.ok(node, "no node process under npm");

  npm.child.kill("SIGTERM");
  await until(() => !alive(node), 10_000, `node (pid ${node}) to exit after SIGTERM to npm:\n${npm.output()}`);
  assert.match(npm.output(), /tandem: SIGTERM received, shutting down/);
  assert.match(npm.output(), /"msg":"tandem stopped"/);
  await npm.exited;
  assert.deepEqual(npm.processes(), [], "a process outlived npm");
});
