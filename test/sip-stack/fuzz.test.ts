/**
 * Fuzz: tens of thousands of mutated messages (truncated, wrong Content-Length, bad bytes, huge headers,
 * random splices) at the UDP and TCP ports while sipp runs 100 calls, all inside a loopback-only
 * namespace. The process must stay up, keep answering OPTIONS, and complete every sipp call.
 * Reproduce a failure with FUZZ_SEED=<seed printed in the message>.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runInLoopbackNetns } from "../support/loopback-netns.js";

interface FuzzResult {
  seed: number;
  sipp: { successful: number; failed: number; errors: string };
  alive: string;
  stats: { parseErrors: number; messagesIn: number };
}

describe("fuzzing the SIP ports", { timeout: 300_000 }, () => {
  it("stays up and serves a concurrent sipp run 100 %", async () => {
    const run = await runInLoopbackNetns<FuzzResult>("test/sip-stack/fuzz-runner.ts", { timeoutMs: 90_000 });
    assert.equal(run.status, 0, `runner failed: ${run.stderr.slice(-3000)}`);
    const out = run.result;
    assert.ok(out, run.stderr);
    const ctx = `seed ${out.seed}`;
    assert.equal(out.sipp.failed, 0, `${ctx}: ${out.sipp.errors}`);
    assert.equal(out.sipp.successful, 100, ctx);
    assert.equal(out.alive, "SIP/2.0 200 OK", ctx);
    assert.ok(out.stats.parseErrors > 5000, `${ctx}: only ${out.stats.parseErrors} malformed messages reached the parser`);
  });
});
