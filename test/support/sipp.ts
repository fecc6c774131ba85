/**
 * Runs `sipp` (Debian `sip-tester`) for tests and benchmarks and reads its final statistics from the
 * `-trace_stat` CSV, so a test can assert exact success/failure counts as well as the exit code.
 * Every run is tracked and `killAllSipp()` (call it in `after`) ends what is still running.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const SIPP_DIR = resolve(fileURLToPath(new URL("../sipp/", import.meta.url)));

export interface SippOptions {
  /** Scenario file name under test/sipp/ (or an absolute path). */
  scenario: string;
  /** `host:port` of the peer (omit for a UAS). */
  remote?: string;
  /** Local port (-p); omitted, sipp picks its own. */
  localPort?: number;
  transport?: "u1" | "un" | "t1" | "tn";
  /** Number of calls (-m). */
  calls?: number;
  /** Calls per second (-r) and the period in ms (-rp). */
  rate?: number;
  ratePeriodMs?: number;
  /** Max simultaneous calls (-l). */
  limit?: number;
  /** Percent of packets to lose (-lost). */
  lost?: number;
  /** Request-URI user ([service], -s). */
  service?: string;
  /** Global timeout, seconds. */
  timeoutS?: number;
  /** Scenario variables (`-key name value`), read in the scenario as `[name]`. */
  vars?: Record<string, string>;
  /** Keep sipp's message log (-trace_msg) for the result's `messages`. */
  messageLog?: boolean;
  extraArgs?: string[];
}

export interface SippResult {
  code: number | null;
  successful: number;
  failed: number;
  /** Calls created (OutgoingCall + IncomingCall). */
  created: number;
  stdout: string;
  stderr: string;
  /** Counts of the scenario's `unexpected message` messages in the error log, if any. */
  errors: string;
  /** Every message sipp sent and received, when `messageLog` was set (else empty). */
  messages: string;
}

/** A sipp still running: `exited` settles when it ends; `kill` ends it at once. */
export interface SippRun {
  readonly exited: Promise<SippResult>;
  kill(): void;
}

const running = new Set<ChildProcess>();

export function sippArgs(options: SippOptions, statFile: string, errorFile: string, messageFile?: string): string[] {
  const scenario = options.scenario.startsWith("/") ? options.scenario : join(SIPP_DIR, options.scenario);
  const args: string[] = [];
  if (options.remote) args.push(options.remote);
  args.push("-sf", scenario, "-i", "127.0.0.1", "-t", options.transport ?? "u1");
  if (options.localPort !== undefined) args.push("-p", String(options.localPort));
  args.push("-nostdin", "-trace_stat", "-stf", statFile, "-fd", "1", "-trace_err", "-error_file", errorFile);
  if (options.calls !== undefined) args.push("-m", String(options.calls));
  if (options.rate !== undefined) args.push("-r", String(options.rate));
  if (options.ratePeriodMs !== undefined) args.push("-rp", String(options.ratePeriodMs));
  if (options.limit !== undefined) args.push("-l", String(options.limit));
  if (options.lost !== undefined) args.push("-lost", String(options.lost));
  if (options.service !== undefined) args.push("-s", options.service);
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("-key", name, value);
  if (messageFile !== undefined) args.push("-trace_msg", "-message_file", messageFile);
  args.push("-timeout", `${options.timeoutS ?? 60}s`, "-timeout_error");
  args.push("-max_socket", "2000");
  if (options.extraArgs) args.push(...options.extraArgs);
  return args;
}

/** Starts sipp and returns at once; see {@link runSipp} to wait for it. */
export function startSipp(options: SippOptions): SippRun {
  const dir = mkdtempSync(join(tmpdir(), "sipp-"));
  const statFile = join(dir, "stat.csv");
  const errorFile = join(dir, "errors.log");
  const messageFile = options.messageLog ? join(dir, "messages.log") : undefined;
  const child = spawn("sipp", sippArgs(options, statFile, errorFile, messageFile), { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout = (stdout + d.toString()).slice(-20000)));
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20000)));
  const exited = new Promise<SippResult>((resolvePromise) => {
    child.on("exit", (code) => {
      running.delete(child);
      const stats = readStats(statFile);
      const errors = existsSync(errorFile) ? readFileSync(errorFile, "utf8").slice(-4000) : "";
      const messages = messageFile !== undefined && existsSync(messageFile) ? readFileSync(messageFile, "utf8") : "";
      rmSync(dir, { recursive: true, force: true });
      resolvePromise({ code, ...stats, stdout, stderr, errors, messages });
    });
  });
  return {
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** Starts sipp; the promise settles when it exits. */
export function runSipp(options: SippOptions): Promise<SippResult> {
  return startSipp(options).exited;
}

/** Final cumulative counters from the last line of sipp's statistics CSV. */
function readStats(file: string): { successful: number; failed: number; created: number } {
  if (!existsSync(file)) return { successful: 0, failed: 0, created: 0 };
  const lines = readFileSync(file, "utf8").trim().split("\n");
  const header = (lines[0] ?? "").split(";");
  const last = (lines[lines.length - 1] ?? "").split(";");
  const col = (name: string): number => {
    const i = header.indexOf(name);
    return i < 0 ? 0 : Number(last[i] ?? 0);
  };
  return {
    successful: col("SuccessfulCall(C)"),
    failed: col("FailedCall(C)"),
    created: col("OutgoingCall(C)") + col("IncomingCall(C)"),
  };
}

/** Kills every sipp this module started and that is still running (for `after` hooks). */
export function killAllSipp(): void {
  for (const child of running) {
    if (child.pid !== undefined) child.kill("SIGKILL");
  }
  running.clear();
}
