/**
 * Fuzz: thousands of mutated datagrams and stream chunks at the UDP and TCP listeners; the process
 * stays up and still serves. Runs `fuzz-worker.ts` inside a loopback-only network namespace
 * (`unshare -n`), as every fuzz test must: no mutated message can reach a real neighbour.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

it("survives 5,000 mutated datagrams and 200 mutated TCP streams, then still serves UDP and TCP", async (t) => {
  const command = "ip link set lo up && exec node --conditions=tandem-src --import tsx test/sip-transport/fuzz-worker.ts";
  const child = spawn("unshare", ["-n", "sh", "-c", command], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  t.after(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  assert.equal(code, 0, `worker failed: ${err.slice(-2000)}`);
  const result = JSON.parse(out.trim().split("\n").pop() ?? "{}") as Record<string, unknown>;
  t.diagnostic(JSON.stringify(result));
  assert.equal(result["stillServes"], true);
  assert.ok(Number(result["framingErrors"]) > 0, "the stream fuzz did hit the framer's error paths");
  assert.ok(Number(result["delivered"]) > 4000, "most datagrams reached the handler");
});
