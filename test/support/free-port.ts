/** Free local ports for tests: one port number usable for both UDP and TCP on 127.0.0.1, and leased blocks of UDP ports for RTP. */
import { randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { createServer, type Server } from "node:net";

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => resolve(false));
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
  });
}

/**
 * Single ports come from 12000–13999, below the kernel's ephemeral range (32768–60999) and apart from the RTP
 * leases: a port the kernel hands out is not safe, since between our probe and the test's bind any socket bound
 * to port 0 (in this or another test process) can be given it (seen as sipp's "Unable to bind main socket").
 * Each port is reserved by a TCP listener at port + {@link PORT_LOCK_OFFSET}, held until this process ends (the
 * kernel frees it however the process ends), so two test processes never get the same port; the port itself is
 * left unbound for the test.
 */
const PORT_FIRST = 12000;
const PORT_COUNT = 2000;
const PORT_LOCK_OFFSET = 2000;

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port free for both TCP and UDP, which no other test process gets from here while this one runs. */
export async function freePort(): Promise<number> {
  const offset = randomInt(0, PORT_COUNT);
  for (let i = 0; i < PORT_COUNT; i++) {
    const port = PORT_FIRST + ((offset + i) % PORT_COUNT);
    const lock = await holdPort(port + PORT_LOCK_OFFSET);
    if (!lock) continue;
    if ((await tcpFree(port)) && (await udpFree(port))) return port;
    await closeAll([lock]);
  }
  throw new Error(`no free port in ${PORT_FIRST}-${PORT_FIRST + PORT_COUNT - 1}`);
}

/**
 * UDP ports for RTP are leased in slots of {@link LEASE_SLOT} in 20000–32767: below the kernel's ephemeral range
 * (32768–60999), where sockets bound to port 0 land. Test files run in parallel processes, so a block that is only
 * probed free can be probed by two of them at once, and an engine's range is bound pair by pair long after it was
 * chosen. A slot is held by a TCP listener on 127.0.0.1 at the slot's first port: the kernel lets one process
 * listen there at a time and frees it when that process ends however it ends, so leases never go stale. Nothing
 * else in the tests listens on TCP in 20000–32767 (TCP servers take port 0 or {@link freePort}, which stays below).
 */
const LEASE_FIRST = 20000;
const LEASE_SLOT = 64;
const LEASE_SLOTS = Math.floor((32768 - LEASE_FIRST) / LEASE_SLOT);

/** A leased block of consecutive UDP ports, no other test process's lease overlapping it until released. */
export interface UdpPortBlock {
  /** First port: even, so RTP/RTCP pairs (RFC 3550 §11) start on it. */
  readonly base: number;
  release(): Promise<void>;
}

function holdPort(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => {
      server.unref();
      resolve(server);
    });
  });
}

function holdSlot(slot: number): Promise<Server | undefined> {
  return holdPort(LEASE_FIRST + slot * LEASE_SLOT);
}

function closeAll(servers: readonly Server[]): Promise<void> {
  return Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())))).then(() => undefined);
}

async function holdSlots(first: number, count: number): Promise<Server[] | undefined> {
  const held: Server[] = [];
  for (let slot = first; slot < first + count; slot++) {
    const server = await holdSlot(slot);
    if (!server) break;
    held.push(server);
  }
  if (held.length === count) return held;
  await closeAll(held);
  return undefined;
}

/**
 * Leases `count` consecutive UDP ports: no other process leasing through this module gets any of them until
 * `release` or this process's end, and each was free for UDP when leased (a program that does not lease, such as
 * a phone choosing its own RTP port, may still take one later: RTP peers must skip a busy port).
 */
export async function leaseUdpPortBlock(count: number): Promise<UdpPortBlock> {
  const slots = Math.ceil(count / LEASE_SLOT);
  const starts = LEASE_SLOTS - slots + 1;
  const offset = randomInt(0, Math.max(1, starts));
  for (let i = 0; i < starts; i++) {
    const first = (offset + i) % starts;
    const servers = await holdSlots(first, slots);
    if (!servers) continue;
    const base = LEASE_FIRST + first * LEASE_SLOT;
    let free = true;
    for (let port = base; free && port < base + count; port++) free = await udpFree(port);
    if (free) return { base, release: () => closeAll(servers) };
    await closeAll(servers);
  }
  throw new Error(`no block of ${count} UDP ports could be leased in ${LEASE_FIRST}-32767`);
}

/**
 * The first of `count` consecutive UDP ports leased until this process ends (see {@link leaseUdpPortBlock}): for
 * peers that count up from a base port (sipp's -mp, a media engine's range, Janus's rtp_port_range).
 */
export async function freeUdpPortBlock(count: number): Promise<number> {
  return (await leaseUdpPortBlock(count)).base;
}
