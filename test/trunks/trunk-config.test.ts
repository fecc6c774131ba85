/** The plugin's failover codes are config, checked at boot: codes that must never fail over are refused. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { manifest } from "@tandem/plugin-trunk-selection";
import { validateConfig } from "../../core/src/config/validate-config.js";

function problemsFor(section: Record<string, unknown>) {
  const raw = { plugins: { "trunk-selection": { enabled: true, ...section } } };
  return validateConfig(raw, [manifest], process.cwd()).problems.filter((p) => p.path.startsWith("plugins.trunk-selection"));
}

test("failoverCodes: 408/503/500 accepted; 486, 487, 600, 603 refused with the path named", { timeout: 180_000 }, () => {
  assert.deepEqual(problemsFor({ failoverCodes: [408, 503, 500] }), []);
  for (const code of [486, 487, 600, 603]) {
    const problems = problemsFor({ failoverCodes: [503, code] });
    assert.equal(problems.length, 1, `${code}: ${JSON.stringify(problems)}`);
    assert.match(problems[0]?.path ?? "", /failoverCodes\[1\]/);
  }
});
