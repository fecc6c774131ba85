/**
 * Another test process leasing UDP port blocks: leases `argv[2]` blocks of `argv[3]` ports, prints their bases as
 * one JSON line, and holds them until its stdin closes (or it is killed).
 */
import { leaseUdpPortBlock } from "../support/free-port.js";

const [blocks, size] = [Number(process.argv[2]), Number(process.argv[3])];
const bases: number[] = [];
for (let i = 0; i < blocks; i++) bases.push((await leaseUdpPortBlock(size)).base);
process.stdout.write(`${JSON.stringify(bases)}\n`);
process.stdin.resume();
process.stdin.once("end", () => process.exit(0));
