/** The published config.schema.json matches the code, and config.example.json is valid against it. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { renderPublishedSchema, SCHEMA_FILE } from "../../core/src/write-schema.js";
import { REPO } from "./helpers/temp-plugins.js";

test("config.schema.json is up to date (run `npm run schema` when this fails)", { timeout: 180_000 }, async () => {
  assert.equal(readFileSync(SCHEMA_FILE, "utf8"), await renderPublishedSchema());
});

test("config.example.json references the schema and is valid against it", { timeout: 180_000 }, () => {
  const example = JSON.parse(readFileSync(join(REPO, "config.example.json"), "utf8")) as Record<string, unknown>;
  assert.equal(example["$schema"], "./config.schema.json");
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as object);
  assert.equal(validate(example), true, ajv.errorsText(validate.errors));
  const tokens = (example["admin"] as { tokens: Array<{ name: string }> }).tokens;
  assert.deepEqual(tokens.map((t) => t.name), ["development-only"]);
});
