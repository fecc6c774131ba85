/**
 * Parse throughput: our parser vs sip.js 0.21.2's own `Parser.parseMessage`, on a CUCM-style INVITE with SDP,
 * a 200 OK with Record-Route/Contact/SDP and a presence NOTIFY with PIDF. Single thread, in process.
 * Run: `node --conditions=tandem-src --import tsx test/bench/parse-bench.ts`
 */
import { pathToFileURL } from "node:url";
import { Parser } from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../../core/src/sip/parser/parse-message.js";
import { CUCM_INVITE, NOTIFY_PIDF, OK_200_INVITE } from "../fixtures/sip/corpus.js";

export interface BenchResult {
  name: string;
  perSecond: number;
}

const silent = { error() {}, warn() {}, log() {}, debug() {} };

/** Calls per second of `fn`, run in batches for `ms` after a warm-up. */
function rateOnce(fn: () => void, ms: number, batch: number): number {
  let calls = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(ms * 1e6));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    now = process.hrtime.bigint();
  }
  return Math.round((calls * 1e9) / Number(now - start));
}

/** Median of five rounds: the machine is shared, so single rounds swing by ±30 %. */
function rate(fn: () => void, ms: number, batch: number): number {
  for (let i = 0; i < batch; i++) fn();
  const rounds = Array.from({ length: 5 }, () => rateOnce(fn, ms / 5, batch)).sort((a, b) => a - b);
  return rounds[2] ?? 0;
}

export async function runParseBench(options: { ms?: number; sipJs?: boolean } = {}): Promise<BenchResult[]> {
  const ms = options.ms ?? 1000;
  const cases: Array<[string, string]> = [
    ["INVITE (CUCM, SDP)", CUCM_INVITE],
    ["200 OK (Record-Route, SDP)", OK_200_INVITE],
    ["NOTIFY (PIDF)", NOTIFY_PIDF],
  ];
  const results: BenchResult[] = [];
  for (const [name, text] of cases) {
    const buffer = Buffer.from(text, "utf8");
    results.push({
      name: `parse ${name}, ${buffer.length} B: Tandem parser`,
      perSecond: rate(() => {
        if (!parseSipMessage(buffer).ok) throw new Error(`bench message failed to parse: ${name}`);
      }, ms, 1000),
    });
    if (options.sipJs !== false) {
      results.push({
        name: `parse ${name}, ${buffer.length} B: sip.js Parser.parseMessage`,
        perSecond: rate(() => {
          // sip.js's transport would decode the datagram first, so the decode is part of its cost too.
          if (!Parser.parseMessage(buffer.toString("utf8"), silent as never)) throw new Error(`sip.js failed: ${name}`);
        }, Math.min(ms, 500), 20),
      });
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const results = await runParseBench();
  for (const r of results) console.log(`${r.name.padEnd(70)} ${r.perSecond.toLocaleString("en-US").padStart(10)} msg/s`);
}
