/**
 * What each workspace's package.json may depend on. Plugins take the SDK as a peer dependency, so a plugin
 * installed from npm uses the host's one copy of the SDK (one error registry, one set of hook references)
 * instead of bringing its own; the SDK depends on no other Tandem package.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { REPO } from "./support/import-graph.js";

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(REPO, folder, "package.json"), "utf8")) as Manifest;
}

const plugins = readdirSync(join(REPO, "plugins"))
  .map((name) => `plugins/${name}`)
  .filter((folder) => existsSync(join(REPO, folder, "package.json")));

test("every plugin takes @tandem/sdk as a peer dependency and no other Tandem package at all", { timeout: 180_000 }, () => {
  assert.ok(plugins.length > 5, `plugins found: ${plugins.join(", ")}`);
  const broken: string[] = [];
  for (const folder of plugins) {
    const m = manifest(folder);
    if (m.peerDependencies?.["@tandem/sdk"] === undefined) broken.push(`${folder}: @tandem/sdk is not in peerDependencies`);
    for (const name of Object.keys(m.dependencies ?? {})) {
      if (name.startsWith("@tandem/")) broken.push(`${folder}: depends on ${name}`);
    }
  }
  assert.deepEqual(broken, []);
});

test("the SDK depends on no Tandem package; the test kit on the SDK and the core", { timeout: 180_000 }, () => {
  const sdk = Object.keys(manifest("sdk").dependencies ?? {}).filter((n) => n.startsWith("@tandem/"));
  assert.deepEqual(sdk, []);
  assert.deepEqual(Object.keys(manifest("testing").dependencies ?? {}).sort(), ["@tandem/core", "@tandem/sdk"]);
});
