/**
 * TCP/TLS connection limits, inside a loopback-only network namespace (`connection-limits-worker.ts`): a message
 * must be whole within `messageTimeoutMs` of its first byte (half a header section, or a body shorter than its
 * Content-Length, closes the connection; a slow sender whose messages do complete, or a keep-alive pong followed by
 * silence, does not); a source outside the trusted peers is closed at accept, before any TLS handshake; one source
 * holds at most `maxPerSource` connections. The stack takes these from `sip.trustedPeers` and `sip.connections`.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { runInLoopbackNetns } from "../support/loopback-netns.js";

interface LimitsResult {
  layer: Record<string, unknown> & { delivered: string[]; stats: Record<string, number> };
  stack: Record<string, unknown>;
}

/** Closed after the 500 ms time-out and well before the 3 s watch ends (loose upper bound: a loaded machine). */
function closedByTimeout(value: unknown, what: string): void {
  assert.equal(typeof value, "number", `${what} was still open after 3 s`);
  assert.ok((value as number) >= 450 && (value as number) < 2800, `${what} closed after ${String(value)} ms`);
}

function closedAtOnce(value: unknown, what: string): void {
  assert.equal(typeof value, "number", `${what} was not closed`);
  assert.ok((value as number) < 400, `${what} closed only after ${String(value)} ms`);
}

it("closes incomplete messages after the time-out, untrusted sources at accept, and caps connections per source", { timeout: 180_000 }, async (t) => {
  const run = await runInLoopbackNetns<LimitsResult>("test/sip-transport/connection-limits-worker.ts", { timeoutMs: 90_000 });
  assert.equal(run.status, 0, run.stderr);
  const out = run.result;
  assert.ok(out, run.stderr);
  t.diagnostic(JSON.stringify({ ...out, layer: { ...out.layer, delivered: out.layer.delivered.length } }));
  const { layer, stack } = out;
  closedByTimeout(layer["halfHeaderOpenMs"], "half a header section");
  closedByTimeout(layer["shortBodyOpenMs"], "a body shorter than its Content-Length");
  closedByTimeout(layer["halfHeaderTlsOpenMs"], "half a header section over TLS");
  closedByTimeout(layer["silentHandshakeOpenMs"], "a TLS handshake never begun");
  assert.equal(layer["steadyClosed"], false, "a slow sender whose messages complete in time stays");
  assert.equal(layer["steadyDelivered"], 5);
  assert.equal(layer["pongClosed"], false, "a pong and then silence is no incomplete message");
  closedAtOnce(layer["untrustedTcpOpenMs"], "an untrusted TCP source");
  closedAtOnce(layer["untrustedTlsOpenMs"], "an untrusted TLS source");
  assert.equal(layer["untrustedTlsHandshook"], false, "closed before the TLS handshake");
  assert.ok(!layer.delivered.some((d) => d.startsWith("127.0.0.3")), "nothing from the untrusted source reached the stack");
  assert.equal(layer["perSourceOpen"], 4, "a source holds at most 4 connections");
  assert.equal(layer["perSourceAgainOpen"], true, "a closed connection frees its place");
  assert.equal(layer.stats["incompleteMessages"], 3);
  assert.equal(layer.stats["refusedUntrusted"], 2);
  assert.equal(layer.stats["refusedOverLimit"], 2);
  closedAtOnce(stack["untrustedOpenMs"], "the stack: a source outside sip.trustedPeers");
  assert.equal(stack["untrustedAnswer"], "", "no 403 over a connection that should not exist");
  closedByTimeout(stack["halfHeaderOpenMs"], "the stack: half a header section");
  assert.equal(stack["trustedAnswer"], "SIP/2.0 200 OK");
  assert.deepEqual(stack["metrics"], [
    "tandem_sip_stream_connections 1",
    'tandem_sip_stream_refused{reason="untrusted"} 1',
    'tandem_sip_stream_refused{reason="per-source-limit"} 0',
    "tandem_sip_stream_incomplete_messages 1",
  ]);
});
