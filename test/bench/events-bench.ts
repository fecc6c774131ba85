/**
 * Event throughput through emit → durable log on a file database (WAL), as the server runs it.
 * Run: node --conditions=tandem-src --import tsx test/bench/events-bench.ts [events]
 *
 * Two runs: a producer that yields to the event loop every 1,000 events (how the SIP stack emits), and a
 * tight synchronous burst (worst case: the log's hard cap makes `emit` flush inline). Each reports the emit
 * rate and the rate until every event is committed to SQLite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Logger } from "@tandem/sdk";
import { CoreEventBus } from "../../core/src/bus/event-bus.js";
import { EventLog } from "../../core/src/bus/event-log.js";
import { openDatabase } from "../../core/src/storage/database.js";

const TOTAL = Number(process.argv[2] ?? 200_000);
const silent: Logger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, child: () => silent };
function noop(): void {}

async function run(label: string, paced: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-bench-"));
  const db = openDatabase(join(dir, "bench.sqlite"));
  const log = new EventLog(db, { retentionDays: 7, flushMs: 50, logger: silent });
  const bus = new CoreEventBus(log, silent);
  let delivered = 0;
  bus.on("*", () => delivered++);
  const start = performance.now();
  for (let i = 0; i < TOTAL; i++) {
    bus.emit("EventRinging", { dn: "1001", connId: `conn-${i >> 2}`, source: "bench", data: { ani: "5551234", dnis: "1001", i } });
    if (paced && i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  const emitted = performance.now();
  while (log.pending() > 0) await new Promise((resolve) => setTimeout(resolve, 1));
  const durable = performance.now();
  const rows = (db.prepare("SELECT COUNT(*) AS n FROM core__events").get() as { n: number }).n;
  log.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  if (rows !== TOTAL || delivered !== TOTAL) throw new Error(`lost events: ${rows} stored, ${delivered} delivered of ${TOTAL}`);
  const rate = (ms: number) => Math.round(TOTAL / (ms / 1000)).toLocaleString("en-US");
  console.log(
    `${label}: ${TOTAL.toLocaleString("en-US")} events; emit ${rate(emitted - start)} events/s; ` +
      `durable ${rate(durable - start)} events/s (${(durable - start).toFixed(0)} ms); ` +
      `${log.stats.batches} transactions (avg ${Math.round(TOTAL / Math.max(1, log.stats.batches))} events each)`,
  );
}

await run("paced producer ", true);
await run("synchronous burst", false);
