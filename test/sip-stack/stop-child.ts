/**
 * Child process for `stack-lifecycle.test.ts`: starts a stack, sends a SUBSCRIBE, an OPTIONS and an
 * INVITE to silent peers (UDP and TCP, never answering), stops the stack once the peers saw them, and
 * prints one JSON line: how each promise settled. The parent measures how long this process then lives:
 * any timer left behind (sip.js Timer B/F/N, our queues and sweeps) would keep it up to 64·T1.
 */
import { createSocket } from "node:dgram";
import { createServer, type Socket } from "node:net";
import type { SipError } from "@tandem/sdk";
import { startTestStack } from "../support/test-stack.js";

const udpPeer = createSocket("udp4");
let udpSeen = 0;
udpPeer.on("message", () => udpSeen++);
await new Promise<void>((resolve) => udpPeer.bind(0, "127.0.0.1", resolve));
const sockets = new Set<Socket>();
let tcpSeen = 0;
const tcpPeer = createServer((socket) => {
  sockets.add(socket);
  socket.on("data", () => tcpSeen++);
});
await new Promise<void>((resolve) => tcpPeer.listen(0, "127.0.0.1", resolve));
const udpPort = (udpPeer.address() as { port: number }).port;
const tcpPort = (tcpPeer.address() as { port: number }).port;

const t = await startTestStack();
const outcome = (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "resolved",
    (e: SipError) => `${e.status}/${e.origin}`,
  );
const verbs = t.stack.verbs;
const results = Promise.all([
  outcome(verbs.subscribe({ target: `sip:1001@127.0.0.1:${udpPort}`, event: "presence", expires: 600 }).accepted),
  outcome(verbs.subscribe({ target: `sip:1001@127.0.0.1:${tcpPort};transport=tcp`, event: "presence", expires: 600 }).accepted),
  outcome(verbs.request({ method: "OPTIONS", target: `sip:1001@127.0.0.1:${udpPort}` })),
  outcome(verbs.invite({ target: `sip:1001@127.0.0.1:${udpPort}`, sdp: "v=0\r\n", noAnswerTimeoutMs: 60_000 }).answered),
]);
const deadline = Date.now() + 3000;
while ((udpSeen < 3 || tcpSeen < 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
await t.stack.stop();
for (const socket of sockets) socket.destroy();
tcpPeer.close();
udpPeer.close();
const settled = await Promise.race([results, new Promise<string>((r) => setTimeout(() => r("unsettled"), 500).unref())]);
process.stdout.write(`${JSON.stringify({ udpSeen, tcpSeen, settled, stoppedAt: Date.now() })}\n`);
