/**
 * The README's "First call in five minutes", run as written: its `sipp` and `curl` commands, taken from the
 * README itself, against Tandem on config.example.json (ports moved to free ones, nothing else changed). If the
 * walkthrough or the example config drift apart, this fails.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { writeExampleConfig } from "../support/example-config.js";
import { freePort } from "../support/free-port.js";
import { REPO_ROOT, startTandem } from "../support/tandem-process.js";
import { tempDir } from "./helpers/temp-plugins.js";

/** The commands of the section's shell block: comments dropped, `\` continuations joined. */
function walkthroughCommands(): string[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((s) => s.startsWith("First call in five minutes"));
  assert.ok(section, "README has no 'First call in five minutes' section");
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, "the section has no sh block");
  return block
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

const started: ChildProcess[] = [];

/** Runs one command (`exec`ed by sh, so the pid is the command's); resolves with its exit code and output. */
function run(command: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", `exec ${command}`], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    started.push(child);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

test("the README's first-call walkthrough routes a call on config.example.json", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const example = await writeExampleConfig(dir);
  const ports = new Map(example.ports);
  const customerPort = await freePort();
  const localise = (command: string): string => {
    let out = command
      .replace(/127\.0\.0\.1:(\d+)/g, (_, p: string) => `127.0.0.1:${ports.get(Number(p)) ?? p}`)
      .replace(/-p 5070\b/, `-p ${ports.get(5070)}`)
      .replace(/-p 5072\b/, `-p ${customerPort}`);
    // Under test: no terminal to read keys from, and a bound on how long a broken run may hang.
    if (out.startsWith("sipp ")) out += " -nostdin -timeout 90s -timeout_error";
    return out;
  };
  const commands = walkthroughCommands().map(localise);
  const env: NodeJS.ProcessEnv = {};
  const tandem = startTandem(t, "source", example.file, dir);
  await tandem.waitForOutput(/"msg":"tandem started"/);

  const [agentPhone, login, customer, ...rest] = commands;
  assert.match(agentPhone ?? "", /^sipp .*agent-phone\.xml/);
  const phone = run(agentPhone ?? "", env);
  t.after(() => started.forEach((child) => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")));
  await new Promise((r) => setTimeout(r, 500));
  assert.match(login ?? "", /^curl .*RequestAgentLogin/);
  const loggedIn = await run(login ?? "", env);
  assert.match(loggedIn.out, /EventAgentReady/);
  assert.match(customer ?? "", /^sipp .*customer\.xml/);
  const called = await run(customer ?? "", env);
  assert.equal(called.code, 0, called.out);
  const answered = await phone;
  assert.equal(answered.code, 0, answered.out);

  const outputs: string[] = [];
  for (const command of rest) {
    const assignment = /^([A-Z_]+)=(\S+)$/.exec(command);
    if (assignment) env[assignment[1] ?? ""] = assignment[2];
    else outputs.push((await run(command, env)).out);
  }
  const [events, history] = outputs;
  const names = (JSON.parse(events ?? "{}") as { events: Array<{ name: string }> }).events.map((e) => e.name);
  for (const name of ["EventRouteRequest", "EventRinging", "EventEstablished", "EventReleased"]) assert.ok(names.includes(name), `${name} in ${names}`);
  const calls = (JSON.parse(history ?? "{}") as { calls: Array<{ outcome?: string; agentDn?: string }> }).calls;
  assert.equal(calls[0]?.outcome, "answered");
  assert.equal(calls[0]?.agentDn, "1001");
});
