/** Shared helpers for the registry, bus and admin tests: a temp SQLite file, a quiet logger, a full core stack. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import type Database from "better-sqlite3";
import type { Logger } from "@tandem/sdk";
import { openDatabase } from "../../core/src/storage/database.js";
import { EventLog } from "../../core/src/bus/event-log.js";
import { CoreEventBus } from "../../core/src/bus/event-bus.js";
import { CoreDnRegistry } from "../../core/src/registry/dn-registry.js";
import type { DnValidator } from "../../core/src/registry/dn-validation.js";

/** A logger that keeps what was logged (level + message) and prints nothing. */
export function quietLogger(lines: Array<{ level: string; msg: string }> = []): Logger {
  const make = (level: string) => (a: unknown, b?: unknown) => {
    lines.push({ level, msg: typeof a === "string" ? a : String(b ?? "") });
  };
  const logger: Logger = {
    trace: make("trace"),
    debug: make("debug"),
    info: make("info"),
    warn: make("warn"),
    error: make("error"),
    fatal: make("fatal"),
    child: () => logger,
  };
  return logger;
}

/** A temp folder removed after the test. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "tandem-b-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface Core {
  db: Database.Database;
  log: EventLog;
  bus: CoreEventBus;
  registry: CoreDnRegistry;
  close(): void;
}

/** Opens DB → event log → bus → registry on `path`, the server's boot order. */
export function openCore(
  path: string,
  options: { flushMs?: number; retentionDays?: number; logger?: Logger; dnValidator?: DnValidator } = {},
): Core {
  const logger = options.logger ?? quietLogger();
  const db = openDatabase(path);
  const log = new EventLog(db, { retentionDays: options.retentionDays ?? 7, flushMs: options.flushMs ?? 20, logger });
  const bus = new CoreEventBus(log, logger);
  const registry = new CoreDnRegistry(db, bus, logger, options.dnValidator ? { validator: options.dnValidator } : {});
  let closed = false;
  return {
    db,
    log,
    bus,
    registry,
    close() {
      if (closed) return;
      closed = true;
      log.close();
      db.close();
    },
  };
}
