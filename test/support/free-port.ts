/** Free local ports for tests: one port number usable for both UDP and TCP on 127.0.0.1. */
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
