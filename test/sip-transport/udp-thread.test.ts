/**
 * UDP sockets in a thread of their own (`sip.udpThread`): datagrams cross in batches, in order, none lost; a send
 * the kernel refuses fails that send only; a thread that dies leaves the port bound again in the SIP thread.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Worker } from "node:worker_threads";
import type { TransportLayer } from "../../core/src/sip/transport/transport-layer.js";
import { rawUdpPeer, sipRequest, startLayer, until } from "./helpers.js";

const LOOP = "127.0.0.1";

/** The socket thread of the layer's first UDP listener (private state, read only to kill it). */
function socketThreadOf(layer: TransportLayer): Worker | undefined {
  const listeners = (layer as unknown as { udp: Array<{ worker?: Worker }> }).udp;
  return listeners[0]?.worker;
}

describe("UDP sockets in their own thread", { timeout: 300_000 }, () => {
  it("a burst both ways arrives complete and in order, each datagram with its own flow", async (t) => {
    const l = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }], { udpThread: true });
    const peer = await rawUdpPeer(t);
    // A burst that fits the kernel's default receive buffers (about 200 of these datagrams each way), which a host's
    // net.core.rmem_max may keep the sockets from raising.
    const count = 100;
    for (let i = 0; i < count; i++) peer.socket.send(sipRequest("OPTIONS", `z9hG4bKb${i}`, { transport: "UDP" }), l.port("udp"), LOOP);
    const got = await l.waitFor(count, 20_000).catch((e: unknown) => { throw new Error(`${String(e)}: ${l.received.length} received`); });
    assert.deepEqual(
      got.map((r) => /branch=(z9hG4bKb\d+)/.exec(r.text)?.[1]),
      Array.from({ length: count }, (_, i) => `z9hG4bKb${i}`),
    );
    assert.ok(got.every((r) => r.flow.remotePort === peer.port && r.flow.localPort === l.port("udp")));
    // Sent from one turn: one batch to the thread, every send resolved with the listener's flow.
    const flows = await Promise.all(
      Array.from({ length: count }, (_, i) => l.layer.send(sipRequest("OPTIONS", `z9hG4bKs${i}`, { transport: "UDP" }), { transport: "udp", address: LOOP, port: peer.port })),
    );
    assert.ok(flows.every((f) => f.localPort === l.port("udp")));
    await until(() => peer.messages.length === count, 20_000, `all ${count} at the peer (${peer.messages.length})`);
    assert.deepEqual(
      peer.messages.map((m) => /branch=(z9hG4bKs\d+)/.exec(m)?.[1]),
      Array.from({ length: count }, (_, i) => `z9hG4bKs${i}`),
    );
  });

  it("a send the socket refuses fails alone with a coded error; the others of its batch go out", async (t) => {
    const l = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }], { udpThread: true });
    const peer = await rawUdpPeer(t);
    const [before, refused, after] = await Promise.allSettled([
      l.layer.send(sipRequest("OPTIONS", "z9hG4bKe1", { transport: "UDP" }), { transport: "udp", address: LOOP, port: peer.port }),
      l.layer.send(sipRequest("OPTIONS", "z9hG4bKe2", { transport: "UDP" }), { transport: "udp", address: LOOP, port: 0 }),
      l.layer.send(sipRequest("OPTIONS", "z9hG4bKe3", { transport: "UDP" }), { transport: "udp", address: LOOP, port: peer.port }),
    ]);
    assert.equal(before.status, "fulfilled");
    assert.equal(after.status, "fulfilled");
    assert.equal(refused.status, "rejected");
    assert.equal((refused as PromiseRejectedResult).reason.code, "TANDEM_ERR_SIP_TRANSPORT_SEND");
    await until(() => peer.messages.length === 2);
  });

  it("a thread that dies: its port is bound again in the SIP thread and traffic goes on both ways", async (t) => {
    const l = await startLayer(t, [{ transport: "udp", host: LOOP, port: 0 }], { udpThread: true });
    const peer = await rawUdpPeer(t);
    const thread = socketThreadOf(l.layer);
    assert.ok(thread, "the listener has a socket thread");
    await thread.terminate();
    await until(() => l.layer.stats().socketErrors > 0, 10_000);
    // The port is free once the thread's socket is gone, and bound again at once: a datagram may need a retry.
    await until(async () => {
      peer.socket.send(sipRequest("OPTIONS", `z9hG4bKd${l.received.length}`, { transport: "UDP" }), l.port("udp"), LOOP);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return l.received.length > 0;
    }, 10_000);
    await l.layer.send(sipRequest("OPTIONS", "z9hG4bKd-out", { transport: "UDP" }), { transport: "udp", address: LOOP, port: peer.port });
    await until(() => peer.messages.some((m) => m.includes("z9hG4bKd-out")));
  });
});
