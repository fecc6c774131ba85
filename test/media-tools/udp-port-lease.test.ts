/**
 * RTP port blocks for tests are leased across processes: test files run in parallel processes, and a block that
 * was only probed free could be handed to two of them. Another process leases 60 of the 199 slots without binding
 * a single UDP port, so of 20 blocks chosen by probing alone some would overlap its blocks; leased blocks never
 * do, and a dead process's blocks are free again. The test holds at most 81 slots, leaving the rest to test files
 * running beside it.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { test, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { leaseUdpPortBlock, type UdpPortBlock } from "../support/free-port.js";

const HOLDER = fileURLToPath(new URL("./port-lease-holder.ts", import.meta.url));
/** Ports per block: one lease slot. */
const SIZE = 64;
/** Blocks the other process holds, of the 199 slots in 20000–32767. */
const HELD_ELSEWHERE = 60;

async function holder(t: TestContext): Promise<{ child: ChildProcess; bases: number[] }> {
  const child = spawn(process.execPath, ["--conditions=tandem-src", "--import", "tsx", HOLDER, String(HELD_ELSEWHERE), String(SIZE)], { stdio: ["pipe", "pipe", "inherit"] });
  t.after(() => void child.kill("SIGKILL"));
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the holder exited with ${code}`))));
  const line = await Promise.race([new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve)), exited]);
  return { child, bases: JSON.parse(line) as number[] };
}

function overlapping(a: number, b: number): boolean {
  return a < b + SIZE && b < a + SIZE;
}

test("blocks leased here never overlap blocks another process holds; its blocks are free again once it ends", { timeout: 60_000 }, async (t) => {
  const { child, bases } = await holder(t);
  assert.equal(new Set(bases).size, HELD_ELSEWHERE, "the holder's own blocks are distinct");
  const mine: UdpPortBlock[] = [];
  t.after(() => Promise.all(mine.map((block) => block.release())));
  for (let i = 0; i < 20; i++) mine.push(await leaseUdpPortBlock(SIZE));
  for (const block of mine) {
    assert.ok(block.base % 2 === 0 && block.base >= 20000 && block.base + SIZE <= 32768, `block ${block.base} is even and below the ephemeral range`);
    const clash = bases.find((base) => overlapping(base, block.base));
    assert.equal(clash, undefined, `block ${block.base} overlaps the other process's block ${clash}`);
  }
  assert.equal(new Set(mine.map((block) => block.base)).size, mine.length, "blocks leased in one process are distinct");

  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.stdin!.end();
  await gone;
  // 179 slots are free now, 60 of them the holder's: a lease starting at a random slot soon lands on one.
  let reused = false;
  for (let i = 0; i < 60 && !reused; i++) {
    const block = await leaseUdpPortBlock(SIZE);
    reused = bases.includes(block.base);
    await block.release();
  }
  assert.ok(reused, "blocks of the ended process are leased again");
});

test("a block needing several slots is leased whole: no block leased meanwhile falls inside it", { timeout: 30_000 }, async () => {
  const wide = await leaseUdpPortBlock(3 * SIZE + 1);
  const inside: UdpPortBlock[] = [];
  try {
    for (let i = 0; i < 20; i++) inside.push(await leaseUdpPortBlock(SIZE));
    for (const block of inside) assert.ok(block.base >= wide.base + 4 * SIZE || block.base + SIZE <= wide.base, `block ${block.base} is outside the wide block ${wide.base}`);
  } finally {
    await Promise.all(inside.map((block) => block.release()));
    await wide.release();
  }
});
