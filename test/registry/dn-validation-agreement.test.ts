/**
 * One verdict for a DN wherever it comes from: the config file's `dns[]` (validateConfig, as at boot) and
 * `POST /api/v1/dns` (admin API over a real registry) judge the same inputs with the same coded errors, with
 * the enabled plugins' DN options known on both, and an option nobody defines refused by name.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { PluginManifest } from "@tandem/sdk";
import { validateConfig } from "../../core/src/config/validate-config.js";
import { DnValidator } from "../../core/src/registry/dn-validation.js";
import { manifest as presence } from "../../plugins/presence/src/manifest.js";
import { manifest as routing } from "../../plugins/routing/src/manifest.js";
import { manifest as trunkSelection } from "../../plugins/trunk-selection/src/manifest.js";
import { auth, startHarness } from "../admin/admin-support.js";
import { baseConfig, tempDir } from "../core-platform/helpers/temp-plugins.js";

interface Case {
  readonly name: string;
  /** The DN as the config file writes it: `{ number, type, ...options }`. */
  readonly entry: Record<string, unknown>;
  /** `field code` of every problem, sorted; empty when the DN is valid. */
  readonly verdict: readonly string[];
}

const CASES: readonly Case[] = [
  { name: "a plain extension", entry: { number: "1001", type: "Extension", presence: true, queues: ["sales"] }, verdict: [] },
  { name: "a name with @ and :", entry: { number: "cucm@pbx:1", type: "VoipService", contact: "sip:10.0.0.5" }, verdict: [] },
  { name: "a number with a space", entry: { number: "10 01", type: "Extension" }, verdict: ["number TANDEM_ERR_DN_NUMBER_INVALID"] },
  { name: "a number starting with a dot", entry: { number: ".1001", type: "Extension" }, verdict: ["number TANDEM_ERR_DN_NUMBER_INVALID"] },
  { name: "a number of 65 characters", entry: { number: "1".repeat(65), type: "Extension" }, verdict: ["number TANDEM_ERR_DN_NUMBER_INVALID"] },
  { name: "a number given as a JSON number", entry: { number: 1001, type: "Extension" }, verdict: ["number TANDEM_ERR_DN_NUMBER_INVALID"] },
  { name: "an unknown type", entry: { number: "1001", type: "Phone" }, verdict: ["type TANDEM_ERR_DN_TYPE_INVALID"] },
  { name: "presence not a boolean", entry: { number: "1001", type: "Extension", presence: "yes" }, verdict: ["presence TANDEM_ERR_DN_OPTION_INVALID"] },
  { name: "a fraction of a second for oos-check", entry: { number: "T1", type: "Trunk", contact: "sip:10.0.0.5", "oos-check": 0.2, "oos-force": 1.5 }, verdict: [] },
  { name: "a negative oos-check", entry: { number: "T1", type: "Trunk", contact: "sip:10.0.0.5", "oos-check": -1 }, verdict: ["oos-check TANDEM_ERR_DN_OPTION_INVALID"] },
  { name: "a contact that is not SIP", entry: { number: "T1", type: "Trunk", contact: "http://10.0.0.5" }, verdict: ["contact TANDEM_ERR_DN_OPTION_INVALID"] },
  {
    name: "contact-backup as a comma list",
    entry: { number: "T1", type: "Trunk", contact: "sip:10.0.0.5", "contact-backup": "sip:10.0.0.6,sip:10.0.0.7" },
    verdict: ["contact-backup TANDEM_ERR_DN_OPTION_INVALID"],
  },
  { name: "a transport Tandem does not speak", entry: { number: "T1", type: "Trunk", transport: "sctp" }, verdict: ["transport TANDEM_ERR_DN_OPTION_INVALID"] },
  { name: "an enabled plugin's option", entry: { number: "1001", type: "Extension", skills: ["sales"] }, verdict: [] },
  { name: "an enabled plugin's option, wrong", entry: { number: "TG", type: "TrunkGroup", strategy: "random" }, verdict: ["strategy TANDEM_ERR_DN_OPTION_INVALID"] },
  { name: "an option nobody defines", entry: { number: "1001", type: "Extension", colour: "red" }, verdict: ["colour TANDEM_ERR_DN_OPTION_UNKNOWN"] },
  {
    name: "several problems at once",
    entry: { number: "10 01", type: "Extension", presence: 1, colour: "red" },
    verdict: ["colour TANDEM_ERR_DN_OPTION_UNKNOWN", "number TANDEM_ERR_DN_NUMBER_INVALID", "presence TANDEM_ERR_DN_OPTION_INVALID"],
  },
];

const ENABLED: readonly PluginManifest[] = [presence, routing, trunkSelection];

/** The config file's verdict: the problems validateConfig reports under `dns[0]`. */
function fileVerdict(entry: Record<string, unknown>, manifests: readonly PluginManifest[], dir: string): string[] {
  const { problems } = validateConfig(baseConfig({ dns: [entry] }), manifests, dir);
  for (const p of problems) assert.match(p.path, /^dns\[0\]\./, `only the DN is wrong: ${JSON.stringify(p)}`);
  return problems.map((p) => `${p.path.replace(/^dns\[0\]\./, "")} ${p.code}`).sort();
}

interface ApiError {
  error: { code: string; message: string; details?: Array<{ field: string; code: string }> };
}

/** The admin API's verdict: the details of POST /api/v1/dns (the options under `options`). */
async function apiVerdict(admin: ReturnType<typeof startHarness>["admin"], entry: Record<string, unknown>): Promise<string[]> {
  const { number, type, ...options } = entry;
  const res = await admin.inject({ method: "POST", url: "/api/v1/dns", headers: auth, payload: { number, type, options } });
  if (res.statusCode === 201) return [];
  assert.equal(res.statusCode, 400, res.body);
  const { error } = res.json<ApiError>();
  assert.equal(error.code, error.details?.[0]?.code, "the reply's code is its first problem's");
  return (error.details ?? []).map((d) => `${d.field.replace(/^body\.(options\.)?/, "")} ${d.code}`).sort();
}

test("the config file and POST /api/v1/dns give every DN the same verdict and the same codes", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const { admin } = startHarness(t, { dnValidator: DnValidator.forManifests(ENABLED) });
  for (const c of CASES) {
    assert.deepEqual(fileVerdict(c.entry, ENABLED, dir), c.verdict, `config file: ${c.name}`);
    assert.deepEqual(await apiVerdict(admin, c.entry), c.verdict, `admin API: ${c.name}`);
    // A DN the API accepted is gone again, so a later case may reuse its number.
    await admin.inject({ method: "DELETE", url: `/api/v1/dns/${encodeURIComponent(String(c.entry["number"]))}`, headers: auth });
  }
});

test("an option of a plugin that is not enabled is unknown on both paths, named with who defines DN options", { timeout: 180_000 }, async (t) => {
  const dir = tempDir(t);
  const { admin } = startHarness(t, { dnValidator: DnValidator.forManifests([trunkSelection]) });
  const entry = { number: "1001", type: "Extension", skills: ["sales"] };
  assert.deepEqual(fileVerdict(entry, [trunkSelection], dir), ["skills TANDEM_ERR_DN_OPTION_UNKNOWN"]);
  assert.deepEqual(await apiVerdict(admin, entry), ["skills TANDEM_ERR_DN_OPTION_UNKNOWN"]);
  const res = await admin.inject({ method: "POST", url: "/api/v1/dns", headers: auth, payload: { number: "1001", type: "Extension", options: { skills: [] } } });
  const { message } = res.json<ApiError>().error;
  assert.match(message, /option skills, which belongs to plugin routing, which is not enabled/);
  assert.match(message, /the core, plugin trunk-selection/);
  const [problem] = validateConfig(baseConfig({ dns: [entry] }), [trunkSelection], dir).problems;
  assert.equal(problem?.message, `dns[0].skills: ${message}`, "the file names the same option and definers, after its path");
});

test("the SDK's upsert and config sync go through the same validator as the API", { timeout: 180_000 }, async (t) => {
  const { core } = startHarness(t, { dnValidator: DnValidator.forManifests(ENABLED) });
  assert.throws(() => core.registry.upsert({ number: "1001", type: "Extension", options: { colour: "red" } }), { code: "TANDEM_ERR_DN_OPTION_UNKNOWN" });
  assert.throws(() => core.registry.upsert({ number: "1001", type: "Extension", options: { number: "1002" } }), { code: "TANDEM_ERR_DN_OPTION_UNKNOWN" });
  assert.throws(() => core.registry.syncFromConfig([{ number: "TG", type: "TrunkGroup", options: { "hold-down": "soon" } }]), (err: { details?: Array<{ code: string }> }) => {
    assert.deepEqual(err.details?.map((d) => d.code), ["TANDEM_ERR_DN_OPTION_INVALID"]);
    return true;
  });
  assert.equal(core.registry.upsert({ number: "TG", type: "TrunkGroup", options: { strategy: "round-robin", "hold-down": 0.5 } }).number, "TG");
});
