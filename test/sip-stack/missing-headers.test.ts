/**
 * A request missing Call-ID, From, To or CSeq (RFC 3261 §8.1.1) gets a 400 when its Via can take a response
 * (§18.2.2: over UDP to the source, over TCP on the same connection), carrying the Via and the fields it did
 * have; with no usable Via it is dropped. Runs `missing-headers-runner.ts` inside a loopback-only namespace.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import { runInLoopbackNetns } from "../support/loopback-netns.js";

function statusOf(reply: string): number {
  return Number(reply.split(" ")[1]);
}

function header(reply: string, name: string): string | undefined {
  const line = reply.split("\r\n").find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

it("answers 400 to a request missing Call-ID, From, To or CSeq when its Via allows, and drops it otherwise", { timeout: 180_000 }, async () => {
  const run = await runInLoopbackNetns<Record<string, string[]>>("test/sip-stack/missing-headers-runner.ts", { timeoutMs: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const out = run.result;
  assert.ok(out, run.stderr);
  for (const omit of ["call-id", "from", "to", "cseq"]) {
    const replies: string[] = out[`udp ${omit}`] ?? [];
    assert.deepEqual(replies.map(statusOf), [400], `without ${omit}: ${JSON.stringify(replies)}`);
    const reply = replies[0] ?? "";
    assert.equal(header(reply, "Via"), `SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKmissing-${omit}`, reply);
    assert.equal(header(reply, omit), undefined, `a field the request lacked is not made up: ${reply}`);
    assert.match(reply.split("\r\n")[0] ?? "", new RegExp(`^SIP/2.0 400 Bad Request - .*${omit}`, "i"));
  }
  assert.equal(header(out["udp from"]?.[0] ?? "", "Call-ID"), "missing-from@127.0.0.1");
  assert.match(header(out["udp call-id"]?.[0] ?? "", "To") ?? "", /^<sip:1001@127\.0\.0\.1>;tag=\w+$/);
  assert.deepEqual((out["tcp call-id"] ?? []).map(statusOf), [400], "over TCP on the same connection");
  assert.deepEqual(out["udp call-id, bad Via"], [], "a Via without sent-by cannot take a response");
  assert.deepEqual(out["udp call-id, no Via"], []);
  assert.ok((out["complete request"] ?? []).length > 0, "the stack still answers");
});
