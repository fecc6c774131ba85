/**
 * RFC 4475 torture messages at the server, inside a loopback-only network namespace (the corpus names
 * real-looking hosts). Invalid requests get 400 (505 for the unknown version) or are dropped when no
 * response can be built (RFC 3261 §8.2, §16.3); valid requests get a sensible, non-400 answer; responses
 * are never answered; the process survives and still answers OPTIONS.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { corpusDir as corpus } from "../sip-parser/torture-corpus.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = resolve(here, "../..");

/** Invalid messages the RFC allows a liberal element to accept (§3.1.2.12: ignore a bad Date). */
const LIBERAL = new Set(["baddate.dat"]);

function status(line: string): number {
  return Number(line.split(" ")[1]);
}

describe("RFC 4475 torture messages", { timeout: 300_000 }, () => {
  it("rejects the invalid, answers the valid, and stays up", () => {
    const run = spawnSync(
      "unshare",
      ["-n", "sh", "-c", "ip link set lo up && exec node --conditions=tandem-src --import tsx test/sip-stack/torture-runner.ts"],
      { cwd: repo, encoding: "utf8", timeout: 120_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as {
      results: Record<string, string[]>;
      after: string[];
    };
    const index = readFileSync(join(corpus, "INDEX.tsv"), "utf8").trim().split("\n").slice(1);
    assert.equal(index.length, 49);
    for (const row of index) {
      const [file = "", section, validity] = row.split("\t");
      const replies = out.results[file];
      assert.ok(replies, `${file} was not fired`);
      const isResponse = readFileSync(join(corpus, file), "latin1").startsWith("SIP/2.0 ");
      const label = `${file} (${section}, ${validity}): ${JSON.stringify(replies)}`;
      if (isResponse) {
        assert.deepEqual(replies, [], `a response must never be answered: ${label}`);
      } else if (validity === "valid") {
        assert.ok(replies.length > 0, `no answer to a valid request: ${label}`);
        assert.ok(replies.every((r) => status(r) !== 400), `valid request answered 400: ${label}`);
      } else if (!LIBERAL.has(file)) {
        assert.ok(replies.every((r) => status(r) === 400 || status(r) === 505), `invalid request not rejected: ${label}`);
      } else {
        assert.ok(replies.every((r) => status(r) >= 400), `invalid request accepted: ${label}`);
      }
    }
    assert.deepEqual(out.results["badvers.dat"]?.map(status), [505]);
    assert.deepEqual(out.after.map(status), [200], "the stack no longer answers OPTIONS");
  });
});
