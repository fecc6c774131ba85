/**
 * The plugin host with real plugins: packages written to temporary folders and loaded through
 * `plugins.<id>.module` paths, booted by `createServer` (fake SIP stack, real everything else).
 */
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { TandemError } from "@tandem/sdk";
import type { BootProblem } from "../../core/src/config/problems.js";
import { createServer, type ServerOptions } from "../../core/src/server.js";
import { fakeSipStack } from "./helpers/fake-sip.js";
import { baseConfig, resetTrace, tempDir, trace, writePlugin, type TempPlugin } from "./helpers/temp-plugins.js";

beforeEach(() => resetTrace());

/** Writes the plugins into `dir` and returns a config enabling each through its path. */
function configFor(dir: string, plugins: TempPlugin[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const sections: Record<string, unknown> = {};
  for (const p of plugins) {
    writePlugin(dir, p);
    sections[p.name] = { enabled: true, module: `./plugins/${p.folder ?? p.name}` };
  }
  return baseConfig({ plugins: { ...sections, ...extra } });
}

function options(dir: string): ServerOptions {
  return { configDir: dir, overrides: { createSipStack: fakeSipStack() } };
}

async function problemsOf(raw: unknown, dir: string): Promise<BootProblem[]> {
  const err = await createServer(raw, options(dir)).then(
    () => assert.fail("boot should have failed"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof TandemError);
  assert.equal(err.code, "TANDEM_ERR_CONFIG_INVALID");
  return err.details as BootProblem[];
}

test("plugins register in dependency order (stable), onReady after all, onClose in reverse", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const hooks = `
    ctx.onReady(() => trace("ready:" + ctx.id));
    ctx.onClose(() => trace("close:" + ctx.id));`;
  const raw = configFor(dir, [
    { name: "reports", dependsOn: ["store", "auth"], register: hooks },
    { name: "auth", register: hooks },
    { name: "store", dependsOn: ["auth"], register: hooks },
    { name: "ledger", register: hooks },
  ]);
  const server = await createServer(raw, options(dir));
  assert.deepEqual(trace(), [], "no plugin code may run in createServer");
  await server.start();
  assert.deepEqual(trace(), [
    "register:auth", "register:store", "register:reports", "register:ledger",
    "ready:auth", "ready:store", "ready:reports", "ready:ledger",
  ]);
  assert.deepEqual(server.plugins.statuses().map((s) => [s.id, s.status]), [["auth", "ready"], ["store", "ready"], ["reports", "ready"], ["ledger", "ready"]]);
  await server.stop();
  assert.deepEqual(trace().slice(8), ["close:ledger", "close:reports", "close:store", "close:auth"]);
});

test("a missing dependency, a cycle and an SDK mismatch are all reported together before any plugin runs", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const raw = configFor(dir, [
    { name: "needs-billing", dependsOn: ["billing"] },
    { name: "needs-off", dependsOn: ["off"] },
    { name: "ping", dependsOn: ["pong"] },
    { name: "pong", dependsOn: ["ping"] },
    { name: "future", sdk: "^2.0.0" },
  ], { off: { enabled: false } });
  const problems = await problemsOf(raw, dir);
  assert.deepEqual(trace(), [], "no register may run");
  const byCode = (code: string): string[] => problems.filter((p) => p.code === code).map((p) => p.message);
  assert.deepEqual(byCode("TANDEM_ERR_PLUGIN_DEPENDENCY_MISSING"), [
    "plugin needs-billing depends on billing, which is not in the config (add plugins.billing with enabled: true)",
    "plugin needs-off depends on off, which is disabled (plugins.off.enabled is false)",
  ]);
  assert.deepEqual(byCode("TANDEM_ERR_PLUGIN_CYCLE"), ["plugins depend on each other in a cycle: ping → pong → ping"]);
  assert.deepEqual(byCode("TANDEM_ERR_PLUGIN_SDK_RANGE"), ["plugin future needs SDK ^2.0.0 but this host provides SDK 0.1.0"]);
  assert.equal(problems.length, 4);
});

test("a bad plugin config, a bad manifest, a wrong name and an unloadable module are reported with config errors", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const raw = configFor(dir, [
    { name: "greeter", configSchema: { type: "object", properties: { greeting: { type: "string" } }, required: ["greeting"], additionalProperties: false } },
    { name: "renamed", folder: "misnamed" },
    { name: "sloppy", version: "one", sdk: "not a range" },
  ]);
  const plugins = raw["plugins"] as Record<string, Record<string, unknown>>;
  plugins["greeter"] = { ...plugins["greeter"], greting: "typo" };
  plugins["misnamed"] = { enabled: true, module: "./plugins/misnamed" };
  plugins["ghost"] = { enabled: true, module: "./plugins/ghost" };
  delete plugins["renamed"];
  (raw["admin"] as Record<string, unknown>)["port"] = -1;
  const problems = await problemsOf(raw, dir);
  const lines = problems.map((p) => `${p.code} ${p.path}`).sort();
  assert.deepEqual(lines, [
    "TANDEM_ERR_CONFIG_SCHEMA admin.port",
    "TANDEM_ERR_CONFIG_SCHEMA plugins.greeter.greeting",
    "TANDEM_ERR_CONFIG_SCHEMA plugins.greeter.greting",
    "TANDEM_ERR_PLUGIN_MANIFEST plugins.sloppy",
    "TANDEM_ERR_PLUGIN_MANIFEST plugins.sloppy",
    "TANDEM_ERR_PLUGIN_NAME_MISMATCH plugins.misnamed",
    "TANDEM_ERR_PLUGIN_NOT_FOUND plugins.ghost.module",
  ]);
  assert.deepEqual(trace(), []);
});

test("a plugin that throws in register is named in the error and the server cleans up", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const raw = configFor(dir, [
    { name: "first", register: 'ctx.onClose(() => trace("close:first"));' },
    { name: "broken", dependsOn: ["first"], register: 'throw new Error("database password missing");' },
    { name: "never", dependsOn: ["broken"] },
  ]);
  const server = await createServer(raw, options(dir));
  await assert.rejects(server.start(), (err: TandemError & { pluginId?: string }) => {
    assert.equal(err.code, "TANDEM_ERR_PLUGIN_REGISTER");
    assert.equal(err.message, "plugin broken failed in register: database password missing");
    assert.equal(err.pluginId, "broken");
    return true;
  });
  assert.deepEqual(trace(), ["register:first", "register:broken", "close:first"]);
  const status = Object.fromEntries(server.plugins.statuses().map((s) => [s.id, s.status]));
  assert.deepEqual(status, { first: "closed", broken: "failed", never: "failed" });
  await server.stop(); // a second stop after a failed start is harmless
});

test("onClose errors are logged and shutdown continues", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const raw = configFor(dir, [
    { name: "calm", register: 'ctx.onClose(() => trace("close:calm"));' },
    { name: "grumpy", register: 'ctx.onClose(() => { trace("close:grumpy"); throw new Error("boom"); });' },
  ]);
  const server = await createServer(raw, options(dir));
  await server.start();
  await server.stop();
  assert.deepEqual(trace().filter((e) => e.startsWith("close:")), ["close:grumpy", "close:calm"]);
});

test("routes can be added only during register; the context is narrow", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const raw = configFor(dir, [
    {
      name: "late",
      register: `
        trace(Object.keys(ctx).sort().join(","));
        ctx.http.route({ method: "GET", path: "/now", handler: () => ({ ok: true }) });
        ctx.onReady(() => {
          try { ctx.http.route({ method: "GET", path: "/later", handler: () => ({}) }); }
          catch (err) { trace(err.code); }
        });`,
    },
  ]);
  const server = await createServer(raw, options(dir));
  await server.start();
  t.after(() => server.stop());
  assert.deepEqual(trace(), [
    "register:late",
    "bus,config,dns,extensions,hooks,host,http,id,log,metrics,onClose,onReady,sip,storage",
    "TANDEM_ERR_PLUGIN_HTTP_CLOSED",
  ]);
  const res = await server.admin.inject({ method: "GET", url: "/api/v1/plugins/late/now", headers: { authorization: "Bearer test-token-0123456789" } });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(JSON.parse(res.body), { ok: true });
});

test("a plugin that throws in onReady stops the start; every plugin is closed", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const raw = configFor(dir, [
    { name: "steady", register: 'ctx.onClose(() => trace("close:steady"));' },
    { name: "flaky", register: 'ctx.onReady(() => { throw new Error("not today"); }); ctx.onClose(() => trace("close:flaky"));' },
  ]);
  const server = await createServer(raw, options(dir));
  await assert.rejects(server.start(), { code: "TANDEM_ERR_PLUGIN_READY", message: "plugin flaky failed in onReady: not today" });
  assert.deepEqual(trace(), ["register:steady", "register:flaky", "close:flaky", "close:steady"]);
});

test("a DN option declared twice (by the core or another plugin) is reported", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const raw = configFor(dir, [
    { name: "skills", dnOptions: { skills: { type: "array" } } },
    { name: "skills-too", dnOptions: { skills: { type: "string" }, transport: { type: "string" } } },
  ]);
  const problems = await problemsOf(raw, dir);
  assert.deepEqual(problems.map((p) => p.message), [
    "plugin skills-too declares DN option skills, which plugin skills already declares",
    "plugin skills-too declares DN option transport, which the core already declares",
  ]);
});
