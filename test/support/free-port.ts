/** Free local ports for tests: one port number usable for both UDP and TCP on 127.0.0.1. */
import { randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

function tcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolve(false));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
  });
}

/** A port free for both TCP and UDP right now (racy by nature, good enough for tests). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await tcpPort();
    if (await udpFree(port)) return port;
  }
  throw new Error("no free port found");
}

/**
 * The first of `count` consecutive ports each free for UDP right now, somewhere in 20000–32767: below the kernel's
 * ephemeral range (32768–60999), where sockets bound to port 0 land. For peers that count up from a base port (sipp's
 * -mp, a media engine's range) on a machine where other runs take ports of their own. Racy by nature, like freePort.
 */
export async function freeUdpPortBlock(count: number): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const base = 20000 + randomInt(0, 12768 - count);
    let free = true;
    for (let port = base; free && port < base + count; port++) free = await udpFree(port);
    if (free) return base;
  }
  throw new Error(`no block of ${count} free UDP ports found`);
}
