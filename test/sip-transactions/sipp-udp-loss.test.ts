/**
 * The reliability layer with a real UDP peer that loses 10 % of packets (`sipp -lost 10`), in both
 * directions, through the real transport layer and parser:
 * - sipp UAC → us: every retransmitted OPTIONS is answered from the cached 200 (Timer J, RFC 3261
 *   §17.2.2) and the "core" sees each request exactly once; sipp completes 100 % of calls.
 * - us → sipp UAS: Timer E (§17.1.2.2) recovers every lost OPTIONS or 200; the "core" sees exactly
 *   one 200 per transaction (duplicates absorbed, Timer K).
 */
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it, type TestContext } from "node:test";
import { constructOutgoingResponse, IncomingRequestMessage, IncomingResponseMessage } from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../../core/src/sip/parser/parse-message.js";
import { newBranch, newCallId, newTag } from "../../core/src/sip/transactions/random-ids.js";
import { ReliabilityLayer } from "../../core/src/sip/transactions/reliability-layer.js";
import { responseDestination } from "../../core/src/sip/transport/next-hop.js";
import { peekOutgoing } from "../../core/src/sip/transport/outgoing-peek.js";
import { TransportLayer, type Flow, type Target } from "../../core/src/sip/transport/transport-layer.js";
import { stampVia } from "../../core/src/sip/transport/via-stamp.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { silentLogger } from "./helpers.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const LOOP = "127.0.0.1";

interface Node {
  transport: TransportLayer;
  reliability: ReliabilityLayer;
  port: number;
}

/** Transport + reliability wired the way the stack does it; `onRequest`/`onResponse` play the sip.js core. */
async function startNode(
  t: TestContext,
  handlers: { onRequest?(m: IncomingRequestMessage, flow: Flow, node: Node): void; onResponse?(m: IncomingResponseMessage): void },
): Promise<Node> {
  const node = {} as Node;
  node.transport = new TransportLayer({
    listen: [{ transport: "udp", host: LOOP, port: 0 }],
    logger: silentLogger,
    udpMtu: 1300,
    onMessage: (data, flow) => {
      const outcome = parseSipMessage(data, { datagram: true });
      if (!outcome.ok) return;
      const message = outcome.message;
      if (message instanceof IncomingRequestMessage) {
        stampVia(message, flow);
        if (node.reliability.incomingRequest(message, flow)) handlers.onRequest?.(message, flow, node);
      } else if (node.reliability.incomingResponse(message, flow)) handlers.onResponse?.(message);
    },
  });
  node.reliability = new ReliabilityLayer({
    timers: { t1: 100, t2: 1000, t4: 1000 },
    logger: silentLogger,
    send: (data, to) => void node.transport.send(data, to).catch(() => undefined),
  });
  const [info] = await node.transport.start();
  node.port = info?.port ?? 0;
  t.after(async () => {
    node.reliability.stop();
    await node.transport.stop();
  });
  return node;
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, LOOP, () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("UDP with 10 % loss against sipp", { timeout: 300_000 }, () => {
  it("sipp UAC → us: 100 % of OPTIONS answered, retransmissions absorbed (RFC 3261 §17.2.2 Timer J)", async (t) => {
    const seen = new Map<string, number>();
    const node = await startNode(t, {
      onRequest: (m, flow, n) => {
        seen.set(m.callId, (seen.get(m.callId) ?? 0) + 1);
        const text = constructOutgoingResponse(m, { statusCode: 200, toTag: newTag() }).message;
        const peek = peekOutgoing(text);
        n.reliability.outgoing(text, peek, responseDestination(peek, flow));
      },
    });
    const calls = 100; // P(no 200 lost at all) = 0.9^100 ≈ 3e-5, so "absorbed > 0" is not left to luck
    t.after(killAllSipp);
    const sipp = await runSipp({ scenario: join(HERE, "sipp", "options-uac.xml"), remote: `${LOOP}:${node.port}`, calls, rate: 50, lost: 10, timeoutS: 30 });
    assert.equal(sipp.code, 0, "sipp saw every call succeed");
    assert.equal(seen.size, calls);
    assert.ok([...seen.values()].every((n) => n === 1), "each request reached the core once");
    const stats = node.reliability.stats();
    assert.ok(stats.absorbed > 0, `retransmissions absorbed: ${stats.absorbed}`);
  });

  it("sipp UAC INVITE → our 486: Timer G until the ACK, INVITE copies answered from cache (RFC 3261 §17.2.1)", async (t) => {
    const invites = new Map<string, number>();
    const acks = new Map<string, number>();
    const node = await startNode(t, {
      onRequest: (m, flow, n) => {
        const seen = m.method === "ACK" ? acks : invites;
        seen.set(m.callId, (seen.get(m.callId) ?? 0) + 1);
        if (m.method !== "INVITE") return;
        const toTag = newTag();
        for (const statusCode of [100, 486]) {
          const text = constructOutgoingResponse(m, { statusCode, toTag }).message;
          const peek = peekOutgoing(text);
          n.reliability.outgoing(text, peek, responseDestination(peek, flow));
        }
      },
    });
    const calls = 100;
    const scenario = join(HERE, "sipp", "invite-rejected-uac.xml");
    t.after(killAllSipp);
    const sipp = await runSipp({ scenario, remote: `${LOOP}:${node.port}`, calls, rate: 50, lost: 10, timeoutS: 30 });
    assert.equal(sipp.code, 0, "sipp saw every call succeed");
    assert.equal(invites.size, calls);
    assert.ok([...invites.values()].every((n) => n === 1), "each INVITE reached the core once");
    assert.ok([...acks.values()].every((n) => n === 1), "at most one ACK per call reached the core (copies absorbed, Timer I)");
    assert.ok(acks.size >= calls * 0.8, `ACKs delivered: ${acks.size}`);
    const stats = node.reliability.stats();
    t.diagnostic(JSON.stringify(stats));
    // 10 % of ACKs and 486s are lost, so Timer G must have fired (P(no loss in 100 calls) ≈ 0.81^100).
    assert.ok(stats.retransmissions > 0, JSON.stringify(stats));
  });

  it("us → sipp UAS: Timer E recovers every loss; exactly one 200 per transaction reaches the core (§17.1.2.2)", async (t) => {
    const sippPort = await freeUdpPort();
    t.after(killAllSipp);
    void runSipp({ scenario: join(HERE, "sipp", "options-uas.xml"), localPort: sippPort, lost: 10, timeoutS: 30 });
    await new Promise((r) => setTimeout(r, 300)); // sipp binds its socket
    const finals = new Map<string, number>();
    const node = await startNode(t, { onResponse: (m) => void finals.set(m.viaBranch, (finals.get(m.viaBranch) ?? 0) + 1) });
    const target: Target = { transport: "udp", address: LOOP, port: sippPort };
    const calls = 60;
    for (let i = 0; i < calls; i++) {
      const text =
        `OPTIONS sip:sipp@${LOOP}:${sippPort} SIP/2.0\r\nVia: SIP/2.0/UDP ${LOOP}:${node.port};branch=${newBranch()};rport\r\n` +
        `From: <sip:tandem@${LOOP}>;tag=${newTag()}\r\nTo: <sip:sipp@${LOOP}>\r\nCall-ID: ${newCallId()}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
      node.reliability.outgoing(text, peekOutgoing(text), target);
      await new Promise((r) => setTimeout(r, 10));
    }
    const start = Date.now();
    while (finals.size < calls && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
    assert.equal(finals.size, calls, "every transaction got its 200");
    assert.ok([...finals.values()].every((n) => n === 1), "duplicates absorbed");
    assert.ok(node.reliability.stats().retransmissions > 0, "losses were recovered by retransmission");
  });
});
