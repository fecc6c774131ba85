/** Every registered error code is documented in docs/errors.md, and every documented code exists. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { registeredErrors } from "@tandem/sdk";
import "@tandem/core";
import "@tandem/testing";
import { loadBuiltinPlugins } from "../../core/src/plugins/builtin-plugins.js";
import { REPO } from "./helpers/temp-plugins.js";

test("registeredErrors() and docs/errors.md list the same codes", { timeout: 180_000 }, async () => {
  // Built-in plugins register their codes when their modules load.
  await loadBuiltinPlugins();
  const registered = new Set(registeredErrors().map((e) => e.code));
  const doc = readFileSync(join(REPO, "docs/errors.md"), "utf8");
  const documented = new Set([...doc.matchAll(/^\|\s*`?(TANDEM_ERR_[A-Z0-9_]+)`?\s*\|/gm)].map((m) => m[1] as string));
  const undocumented = [...registered].filter((c) => !documented.has(c)).sort();
  const unknown = [...documented].filter((c) => !registered.has(c)).sort();
  assert.deepEqual({ undocumented, unknown }, { undocumented: [], unknown: [] });
});
