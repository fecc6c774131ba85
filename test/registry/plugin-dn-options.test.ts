/**
 * DN options that only a plugin reads belong to that plugin: a server whose presence plugin is disabled refuses
 * `presence` on a DN (config file at boot, admin API at run time) with TANDEM_ERR_DN_OPTION_UNKNOWN naming the
 * plugin, accepts it once the plugin is enabled, and publishes the enabled plugins' options in the OpenAPI
 * document and `config.schema.json`. The core's table of first-party options agrees with the manifests.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test, type TestContext } from "node:test";
import { TandemError } from "@tandem/sdk";
import { loadBuiltinPlugins } from "../../core/src/plugins/builtin-plugins.js";
import { FIRST_PARTY_DN_OPTIONS } from "../../core/src/registry/first-party-dn-options.js";
import { createServer, type TandemServer } from "../../core/src/server.js";
import { SCHEMA_FILE } from "../../core/src/write-schema.js";
import { fakeSipStack } from "../core-platform/helpers/fake-sip.js";
import { baseConfig, tempDir } from "../core-platform/helpers/temp-plugins.js";

const AUTH = { authorization: "Bearer test-token-0123456789" };
const WATCHED = { number: "1001", type: "Extension", presence: true };

/** A server (not started: the registry and the admin API are built at creation) with presence on or off. */
async function server(t: TestContext, presence: boolean, dns: unknown[] = []): Promise<TandemServer> {
  const raw = baseConfig({ dns, plugins: { presence: { enabled: presence } } });
  const created = await createServer(raw, { configDir: tempDir(t), overrides: { createSipStack: fakeSipStack() } });
  t.after(() => created.stop());
  return created;
}

interface ApiError {
  error: { code: string; message: string; details: Array<{ field: string; code: string }> };
}

test("a config DN with presence: true fails the boot while the presence plugin is disabled, naming the plugin", { timeout: 180_000 }, async (t) => {
  const refused = await server(t, false, [WATCHED]).then(
    () => assert.fail("the boot accepted an option of a disabled plugin"),
    (err: unknown) => err,
  );
  assert.ok(refused instanceof TandemError, String(refused));
  assert.equal(refused.code, "TANDEM_ERR_CONFIG_INVALID");
  const problems = refused.details as Array<{ path: string; code: string; message: string }>;
  assert.deepEqual(problems.map((p) => [p.path, p.code]), [["dns[0].presence", "TANDEM_ERR_DN_OPTION_UNKNOWN"]]);
  assert.match(problems[0]?.message ?? "", /option presence, which belongs to plugin presence, which is not enabled/);
});

test("the same config boots once the presence plugin is enabled", { timeout: 180_000 }, async (t) => {
  const enabled = await server(t, true, [WATCHED]);
  assert.deepEqual(enabled.dns.get("1001")?.options, { presence: true });
});

test("the admin API refuses a DN with presence while the plugin is disabled and accepts it once enabled", { timeout: 180_000 }, async (t) => {
  const payload = { number: "1002", type: "Extension", options: { presence: true } };
  const off = await server(t, false);
  const refused = await off.admin.inject({ method: "POST", url: "/api/v1/dns", headers: AUTH, payload });
  assert.equal(refused.statusCode, 400, refused.body);
  const { error } = refused.json<ApiError>();
  assert.equal(error.code, "TANDEM_ERR_DN_OPTION_UNKNOWN");
  assert.deepEqual(error.details.map((d) => d.field), ["body.options.presence"]);
  assert.match(error.message, /DN 1002 has option presence, which belongs to plugin presence/);
  assert.equal(off.dns.get("1002"), undefined, "nothing stored");

  const on = await server(t, true);
  const accepted = await on.admin.inject({ method: "POST", url: "/api/v1/dns", headers: AUTH, payload });
  assert.equal(accepted.statusCode, 201, accepted.body);
  assert.deepEqual(on.dns.get("1002")?.options, { presence: true });
});

test("an option no first-party plugin declares is unknown without naming a plugin", { timeout: 180_000 }, async (t) => {
  const off = await server(t, false);
  const res = await off.admin.inject({ method: "POST", url: "/api/v1/dns", headers: AUTH, payload: { number: "1003", type: "Extension", options: { colour: "red" } } });
  const { error } = res.json<ApiError>();
  assert.equal(error.code, "TANDEM_ERR_DN_OPTION_UNKNOWN");
  assert.match(error.message, /option colour, which no one defines/);
  assert.doesNotMatch(error.message, /belongs to/);
});

test("the OpenAPI document of POST and PUT /dns lists the enabled plugins' DN options, each with its plugin", { timeout: 180_000 }, async (t) => {
  type Body = { properties: { options: { properties?: Record<string, { description?: string; type?: string }> } } };
  type Doc = { paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: Body }> } }>> };
  const optionsOf = async (s: TandemServer, path: string, method: string) => {
    const doc = (await s.admin.inject({ method: "GET", url: "/docs/json" })).json<Doc>();
    return doc.paths[path]?.[method]?.requestBody.content["application/json"]?.schema.properties.options.properties ?? {};
  };
  const on = await server(t, true);
  for (const [path, method] of [["/api/v1/dns", "post"], ["/api/v1/dns/{number}", "put"]] as const) {
    const options = await optionsOf(on, path, method);
    assert.equal(options["presence"]?.type, "boolean", `${method} ${path}`);
    assert.match(options["presence"]?.description ?? "", /^\(plugin presence\)/);
    assert.ok(options["contact"], "the core's options too");
    assert.equal(options["queues"], undefined, "routing is not enabled");
  }
  const off = await server(t, false);
  assert.equal((await optionsOf(off, "/api/v1/dns", "post"))["presence"], undefined);
});

test("config.schema.json publishes each moved option under its plugin", { timeout: 180_000 }, () => {
  const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as { properties: { dns: { items: { properties: Record<string, { description: string }> } } } };
  const options = schema.properties.dns.items.properties;
  const owners = [["presence", "presence"], ["queues", "routing"], ["oos-check", "trunk-selection"], ["oos-force", "trunk-selection"]] as const;
  for (const [option, plugin] of owners) {
    assert.match(options[option]?.description ?? "", new RegExp(`^\\(plugin ${plugin}\\)`), option);
  }
  assert.doesNotMatch(options["contact"]?.description ?? "", /plugin/, "the core's own options name no plugin");
});

test("the core's table of first-party DN options is exactly the built-in plugins' manifest.dnOptions", { timeout: 180_000 }, async () => {
  const declared: Record<string, string> = {};
  for (const plugin of await loadBuiltinPlugins()) {
    for (const option of Object.keys(plugin.manifest.dnOptions ?? {})) declared[option] = plugin.manifest.name;
  }
  assert.deepEqual({ ...FIRST_PARTY_DN_OPTIONS }, declared);
});
