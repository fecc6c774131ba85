/** Third-party plugins load from a path (folder or file, relative to the config file) or an npm package name. */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, test } from "node:test";
import { createServer } from "../../core/src/server.js";
import { fakeSipStack } from "./helpers/fake-sip.js";
import { baseConfig, resetTrace, tempDir, trace, writePlugin } from "./helpers/temp-plugins.js";

beforeEach(() => resetTrace());

async function boot(dir: string, plugins: Record<string, unknown>): Promise<void> {
  const server = await createServer(baseConfig({ plugins }), { configDir: dir, overrides: { createSipStack: fakeSipStack() } });
  await server.start();
  await server.stop();
}

test("a plugin folder given by a relative path", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  writePlugin(dir, { name: "acme-folder" });
  await boot(dir, { "acme-folder": { enabled: true, module: "./plugins/acme-folder" } });
  assert.deepEqual(trace(), ["register:acme-folder"]);
});

test("a plugin file given by an absolute path", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const folder = writePlugin(dir, { name: "acme-file" });
  await boot(dir, { "acme-file": { enabled: true, module: join(folder, "index.js") } });
  assert.deepEqual(trace(), ["register:acme-file"]);
});

test("a plugin installed as an npm package beside the config file", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const folder = writePlugin(dir, { name: "acme-npm", packageName: "@acme/tandem-plugin" });
  mkdirSync(join(dir, "node_modules", "@acme"), { recursive: true });
  cpSync(folder, join(dir, "node_modules", "@acme", "tandem-plugin"), { recursive: true });
  await boot(dir, { "acme-npm": { enabled: true, module: "@acme/tandem-plugin" } });
  assert.deepEqual(trace(), ["register:acme-npm"]);
});

test("a module whose default export is not a plugin is refused before anything runs", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const folder = writePlugin(dir, { name: "fake" });
  const source = readFileSync(join(folder, "index.js"), "utf8").replace("export default definePlugin(", "export default (");
  writeFileSync(join(folder, "index.js"), source);
  await assert.rejects(boot(dir, { fake: { enabled: true, module: "./plugins/fake" } }), (err: Error & { details: Array<{ code: string }> }) => {
    assert.deepEqual(err.details.map((d) => d.code), ["TANDEM_ERR_PLUGIN_NOT_A_PLUGIN"]);
    return true;
  });
  assert.deepEqual(trace(), []);
});

test("a plugin module that throws while loading is told apart from a missing one", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const folder = writePlugin(dir, { name: "crashy" });
  writeFileSync(join(folder, "index.js"), 'throw new Error("top-level boom");\n');
  await assert.rejects(
    boot(dir, { crashy: { enabled: true, module: "./plugins/crashy" }, absent: { enabled: true, module: "./plugins/absent" } }),
    (err: Error & { details: Array<{ code: string; message: string }> }) => {
      assert.deepEqual(err.details.map((d) => d.code), ["TANDEM_ERR_PLUGIN_IMPORT", "TANDEM_ERR_PLUGIN_NOT_FOUND"]);
      assert.match(err.details[0]?.message ?? "", /top-level boom/);
      return true;
    },
  );
});
