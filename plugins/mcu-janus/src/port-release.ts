/**
 * Waiting for Janus to let go of a plain-RTP participant's port. AudioBridge 1.1 closes that socket from the
 * participant's relay thread, which notices the hangup only when its one-second poll ends, so a port stays bound
 * up to a second after the participant left. When Janus runs on this host the adapter waits for the port, so a
 * party's `leave()` resolves with its port released as the contract says; a remote Janus's ports cannot be seen.
 */
import { createSocket } from "node:dgram";
import { networkInterfaces } from "node:os";
import { setTimeout as delay } from "node:timers/promises";

/** Longer than AudioBridge's relay-thread poll (1 s), with room for a loaded machine. */
const RELEASE_WAIT_MS = 2500;

function isLocalAddress(address: string): boolean {
  if (address.startsWith("127.")) return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === address));
}

function bindable(address: string, port: number): Promise<boolean> {
  const socket = createSocket("udp4");
  return new Promise((resolve) => {
    socket.once("error", () => resolve(false));
    socket.bind(port, address, () => socket.close(() => resolve(true)));
  });
}

/** Resolves once `address:port` is free (or at once for an address not on this host, or after the wait). */
export async function portReleased(address: string, port: number): Promise<void> {
  if (!isLocalAddress(address)) return;
  const deadline = Date.now() + RELEASE_WAIT_MS;
  while (Date.now() < deadline && !(await bindable(address, port))) await delay(25);
}
