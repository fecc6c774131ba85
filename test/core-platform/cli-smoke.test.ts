/**
 * `npm start` equivalent: the built CLI on a copy of config.example.json (free ports, temp DB) answers
 * GET /api/v1/health with 200 within 5 s and exits 0 on SIGTERM.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { REPO, tempDir } from "./helpers/temp-plugins.js";
import { freePort } from "../support/free-port.js";

const CLI = join(REPO, "core/dist/cli.js");

interface Running {
  dir: string;
  adminPort: number;
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The built CLI on a copy of config.example.json with free ports and the database under ./data/. */
async function startCli(t: TestContext): Promise<Running> {
  assert.ok(existsSync(CLI), "core/dist/cli.js is missing: run `npx tsc -b` (test/run.sh does)");
  const dir = tempDir(t);
  const config = JSON.parse(readFileSync(join(REPO, "config.example.json"), "utf8")) as Record<string, any>;
  const [sipPort, adminPort] = [await freePort(), await freePort()];
  config["$schema"] = join(REPO, "config.schema.json");
  for (const l of config["sip"].listen) l.port = sipPort;
  config["admin"].port = adminPort;
  config["storage"].path = "./data/smoke.sqlite";
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config, null, 2));

  const child = spawn(process.execPath, [CLI, "--config", file], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL"); });
  return { dir, adminPort, child, output: () => output, exited };
}

test("the built CLI serves /api/v1/health within 5 s and exits 0 on SIGTERM", { timeout: 180_000 }, async (t) => {
  const started = Date.now();
  const { dir, adminPort, child, output, exited } = await startCli(t);

  let status = 0;
  while (Date.now() - started < 5000 && status !== 200) {
    status = await fetch(`http://127.0.0.1:${adminPort}/api/v1/health`).then((r) => r.status, () => 0);
    if (status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  const elapsed = Date.now() - started;
  assert.equal(status, 200, `health did not answer 200 within 5 s:\n${output()}`);
  t.diagnostic(`health answered 200 after ${elapsed} ms`);
  assert.ok(existsSync(join(dir, "data", "smoke.sqlite")), "the database lives under ./data/ beside the config");

  child.kill("SIGTERM");
  const { code } = await exited;
  assert.equal(code, 0, output());
});

test("a SIGTERM while the CLI is still starting (admin API up, SIP listeners not yet) is a graceful stop, exit 0", { timeout: 180_000 }, async (t) => {
  const { child, output, exited } = await startCli(t);
  const deadline = Date.now() + 30_000;
  while (!output().includes("admin API listening") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.ok(output().includes("admin API listening"), output());
  child.kill("SIGTERM");
  const { code, signal } = await exited;
  assert.deepEqual({ code, signal }, { code: 0, signal: null }, output());
  assert.match(output(), /SIGTERM received, shutting down/);
});
