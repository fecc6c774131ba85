/**
 * Runs inside a loopback-only network namespace (spawned by missing-headers.test.ts). Fires requests that lack one
 * of Call-ID, From, To or CSeq (RFC 3261 §8.1.1) at a stack over UDP and TCP, plus ones whose Via cannot take a
 * response, and prints one JSON line: for each case the responses that came back (full text).
 */
import { createSocket } from "node:dgram";
import net from "node:net";
import { startTestStack } from "../support/test-stack.js";
import { until } from "../support/until.js";

const WAIT_MS = 400;

function request(omit: string, via = "SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKmissing-" + omit): string {
  const fields: Record<string, string> = {
    via: `Via: ${via}`,
    from: "From: <sip:caller@127.0.0.1>;tag=m1",
    to: "To: <sip:1001@127.0.0.1>",
    "call-id": `Call-ID: missing-${omit}@127.0.0.1`,
    cseq: "CSeq: 1 INVITE",
  };
  const lines = ["INVITE sip:1001@127.0.0.1 SIP/2.0"];
  for (const [name, line] of Object.entries(fields)) if (name !== omit) lines.push(line);
  lines.push("Max-Forwards: 70", "Content-Length: 0");
  return `${lines.join("\r\n")}\r\n\r\n`;
}

async function overUdp(text: string, port: number): Promise<string[]> {
  const socket = createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  const replies: string[] = [];
  socket.on("message", (reply) => replies.push(reply.toString("latin1")));
  socket.send(text, port, "127.0.0.1");
  await new Promise((r) => setTimeout(r, WAIT_MS));
  socket.close();
  return replies;
}

async function overTcp(text: string, port: number): Promise<string[]> {
  const socket = net.connect({ host: "127.0.0.1", port });
  let received = "";
  socket.on("data", (d: Buffer) => (received += d.toString("latin1")));
  socket.on("error", () => undefined);
  await new Promise<void>((r) => socket.once("connect", () => r()));
  socket.write(text);
  await until(() => received.includes("\r\n\r\n"), WAIT_MS).catch(() => undefined);
  socket.destroy();
  return received === "" ? [] : [received];
}

const t = await startTestStack({ served: ["1001"] });
const results: Record<string, string[]> = {};
for (const omit of ["call-id", "from", "to", "cseq"]) results[`udp ${omit}`] = await overUdp(request(omit), t.port);
results["tcp call-id"] = await overTcp(request("call-id", "SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKmissing-tcp"), t.port);
results["udp call-id, bad Via"] = await overUdp(request("call-id", "SIP/2.0/UDP ;;;branch=z9hG4bKbad"), t.port);
results["udp call-id, no Via"] = await overUdp(request("call-id").replace(/^Via:.*\r\n/m, ""), t.port);
const alive = await overUdp(request("nothing"), t.port);
results["complete request"] = alive;
await t.stack.stop();
console.log(JSON.stringify(results));
