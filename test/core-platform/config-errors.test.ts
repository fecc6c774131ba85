/** Bad config: one run lists every problem with its JSON path; the CLI exits non-zero and starts nothing. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { TandemError } from "@tandem/sdk";
import type { BootProblem } from "../../core/src/config/problems.js";
import { readConfigFile } from "../../core/src/config/read-config-file.js";
import { validateConfig } from "../../core/src/config/validate-config.js";
import { createServer } from "../../core/src/server.js";
import { baseConfig, REPO, tempDir, writePlugin } from "./helpers/temp-plugins.js";

const badConfig = {
  sip: { listen: [{ transport: "sctp", host: "127.0.0.1", port: "5060" }], colour: "blue" },
  admin: { port: 70000, tokens: [{ name: "dev", token: "short" }] },
  storage: { path: "./data/should-not-exist.sqlite" },
  dns: [
    { number: "1001", type: "Extension", presence: "yes" },
    { number: "1001", type: "Phone" },
    { number: "2000", type: "Queue", colour: "red" },
  ],
  plugins: { example: { enabled: true, greeting: "hi" } },
};

const expectedPaths = [
  "sip.listen[0].transport",
  "sip.listen[0].port",
  "sip.colour",
  "admin.port",
  "admin.tokens[0].token",
  "dns[0].presence",
  "dns[1].type",
  "dns[1].number",
  "dns[2].colour",
  "plugins.example.greeting",
];

async function bootProblems(raw: unknown, configDir: string): Promise<BootProblem[]> {
  try {
    await createServer(raw, { configDir });
  } catch (err) {
    assert.ok(err instanceof TandemError, String(err));
    assert.equal(err.code, "TANDEM_ERR_CONFIG_INVALID");
    return err.details as BootProblem[];
  }
  assert.fail("createServer accepted a bad config");
}

test("every config problem is reported at once, each with its JSON path, expected and found", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const problems = await bootProblems(badConfig, dir);
  assert.deepEqual([...new Set(problems.map((p) => p.path))].sort(), [...expectedPaths].sort());
  const port = problems.find((p) => p.path === "sip.listen[0].port");
  assert.equal(port?.expected, "a value of type integer");
  assert.equal(port?.found, 'string "5060"');
  assert.match(problems.find((p) => p.path === "dns[1].number")?.message ?? "", /already defined at dns\[0\]/);
  assert.equal(existsSync(join(dir, "data")), false, "nothing may be created for a bad config");
});

test("the CLI prints every problem to stderr, exits 1 and starts nothing", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "bad.json");
  writeFileSync(file, JSON.stringify(badConfig, null, 2));
  const child = spawn(process.execPath, ["--conditions=tandem-src", "--import", "tsx", join(REPO, "core/src/cli.ts"), "--config", file], { cwd: REPO });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 1, stderr);
  for (const path of expectedPaths) assert.ok(stderr.includes(`${path}:`), `stderr names ${path}:\n${stderr}`);
  assert.match(stderr, /TANDEM_ERR_CONFIG_INVALID/);
  assert.equal(existsSync(join(dir, "data")), false);
});

test("TANDEM_CONFIG names the file when --config is absent", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const file = join(dir, "env.json");
  writeFileSync(file, JSON.stringify({ admin: { tokens: [] } }));
  const child = spawn(process.execPath, ["--conditions=tandem-src", "--import", "tsx", join(REPO, "core/src/cli.ts")], {
    cwd: REPO,
    env: { ...process.env, TANDEM_CONFIG: file },
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 1);
  assert.ok(stderr.includes(file), stderr);
  assert.match(stderr, /admin\.tokens: expected at least 1 item/);
});

test("a missing file and bad JSON get their own codes; bad JSON names line and column", { timeout: 180_000 }, (t) => {
  const dir = tempDir(t);
  assert.throws(() => readConfigFile(join(dir, "nope.json")), { code: "TANDEM_ERR_CONFIG_NOT_FOUND" });
  const file = join(dir, "broken.json");
  writeFileSync(file, '{\n  "admin": {\n    "port": 8080,\n  }\n}\n');
  assert.throws(() => readConfigFile(file), (err: TandemError) => {
    assert.equal(err.code, "TANDEM_ERR_CONFIG_JSON");
    assert.match(err.message, /line 4, column 3/);
    return true;
  });
});

test("defaults are applied and relative paths resolve against the config file's folder", { timeout: 180_000 }, () => {
  const { config, problems } = validateConfig(
    {
      admin: { tokens: [{ name: "t", token: "0123456789abcdef" }] },
      sip: { listen: [{ transport: "tls", host: "127.0.0.1", port: 5061, cert: "tls/cert.pem", key: "tls/key.pem" }] },
      plugins: { acme: { enabled: false, module: "./vendor/acme" } },
    },
    [],
    "/etc/tandem",
  );
  assert.deepEqual(problems, []);
  assert.equal(config.storage.path, "/etc/tandem/data/tandem.sqlite");
  assert.equal(config.sip.listen[0]?.cert, "/etc/tandem/tls/cert.pem");
  assert.equal(config.plugins["acme"]?.module, "/etc/tandem/vendor/acme");
  assert.deepEqual(config.sip.timers, { t1: 500, t2: 4000, t4: 5000 });
  assert.equal(config.admin.port, 8080);
});

test("a TLS listener without cert and key is an error naming both", { timeout: 180_000 }, () => {
  const { problems } = validateConfig(
    { admin: { tokens: [{ name: "t", token: "0123456789abcdef" }] }, sip: { listen: [{ transport: "tls", host: "127.0.0.1", port: 5061 }] } },
    [],
    "/",
  );
  assert.deepEqual(problems.map((p) => p.path).sort(), ["sip.listen[0].cert", "sip.listen[0].key"]);
});

test("DN options come from the core and from the enabled plugins' dnOptions", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  writePlugin(dir, { name: "skills", dnOptions: { skills: { type: "array", items: { type: "string" } } } });
  const dns = [{ number: "1001", type: "Extension", skills: ["sales"], description: "desk 1" }];
  const withPlugin = baseConfig({ dns, plugins: { skills: { enabled: true, module: "./plugins/skills" } } });
  const server = await createServer(withPlugin, { configDir: dir, overrides: { createSipStack: (await import("./helpers/fake-sip.js")).fakeSipStack() } });
  await server.stop();
  const problems = await bootProblems(baseConfig({ dns }), dir);
  assert.deepEqual(problems.map((p) => p.path), ["dns[0].skills"]);
  assert.match(problems[0]?.expected ?? "", /^one of the known keys \(number, type, contact, contact-backup, service-type/);
});
