/**
 * Event throughput through emit → durable log on a file database (WAL), as the server runs it.
 * Run: node --conditions=tandem-src --import tsx test/bench/events-bench.ts [events]
 *
 * Three runs: a producer that yields to the event loop every 1,000 events (how the SIP stack emits), a
 * tight synchronous burst (worst case: the log's hard cap makes `emit` flush inline), and a producer that
 * yields every 10 events with a live reader (an SSE client: it reads `since` after each turn, and since a seq
 * is shown only once committed, every read is a group commit). Each reports the emit rate and the rate until
 * every event is committed to SQLite.
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

async function run(label: string, yieldEvery: number, liveReader = false): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-bench-"));
  const db = openDatabase(join(dir, "bench.sqlite"));
  const log = new EventLog(db, { retentionDays: 7, flushMs: 50, logger: silent });
  const bus = new CoreEventBus(log, silent);
  let delivered = 0;
  let read = 0;
  let wake = false;
  bus.on("*", () => {
    delivered++;
    if (!liveReader || wake) return;
    wake = true;
    setImmediate(() => {
      wake = false;
      for (let page = bus.since(read, 1000); page.length > 0; page = bus.since(read, 1000)) read = page.at(-1)?.seq ?? read;
    });
  });
  const start = performance.now();
  for (let i = 0; i < TOTAL; i++) {
    bus.emit("EventRinging", { dn: "1001", connId: `conn-${i >> 2}`, source: "bench", data: { ani: "5551234", dnis: "1001", i } });
    if (yieldEvery > 0 && i % yieldEvery === yieldEvery - 1) await new Promise((resolve) => setImmediate(resolve));
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

await run("paced producer ", 1000);
await run("synchronous burst", 0);
await run("live reader, yields every 10", 10, true);
