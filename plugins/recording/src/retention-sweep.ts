/**
 * Retention: finished recordings older than `retentionDays` lose their file and then their row (in that order, so
 * a crash between the two leaves a row pointing at nothing rather than a file nobody knows of). Rows a stopped
 * process left `recording` are closed as failed when the plugin starts.
 */
import type { Logger } from "@tandem/sdk";
import { RecordingErrors } from "./errors.js";
import type { RecordingFiles } from "./recording-files.js";
import type { RecordingIndex } from "./recording-index.js";

const DAY_MS = 86_400_000;

export interface SweepDeps {
  readonly index: RecordingIndex;
  readonly files: RecordingFiles;
  readonly retentionDays: number;
  readonly log: Logger;
  readonly now?: () => number;
}

/** Deletes what is past retention; returns the ids deleted. */
export async function sweepExpired(deps: SweepDeps): Promise<string[]> {
  if (deps.retentionDays <= 0) return [];
  const before = new Date((deps.now ?? Date.now)() - deps.retentionDays * DAY_MS).toISOString();
  const deleted: string[] = [];
  for (const row of deps.index.expired(before)) {
    try {
      await deps.files.remove(row.file);
      deps.index.delete(row.id);
      deleted.push(row.id);
    } catch (err) {
      deps.log.warn({ err, recordingId: row.id }, "removing an expired recording failed; the next sweep tries again");
    }
  }
  if (deleted.length) deps.log.info({ deleted: deleted.length, before }, "retention sweep removed recordings");
  return deleted;
}

/** Runs the sweep every `intervalMs` (not keeping the process alive); returns the stop function. */
export function startSweep(deps: SweepDeps, intervalMs: number): () => void {
  let running = false;
  const run = (): void => {
    if (running) return;
    running = true;
    void sweepExpired(deps).finally(() => (running = false));
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Rows a previous process left `recording`: failed, their temporary file removed. */
export async function closeUnfinished(deps: SweepDeps): Promise<number> {
  const rows = deps.index.unfinished();
  for (const row of rows) {
    const sizeBytes = await deps.files.discard(row.id).catch(() => 0);
    const error = RecordingErrors.writeFailed(row.id, row.connId, "the process stopped while recording");
    deps.index.fail(row.id, { endedAt: new Date((deps.now ?? Date.now)()).toISOString(), code: error.code, message: error.message, sizeBytes });
  }
  return rows.length;
}
