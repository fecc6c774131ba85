/**
 * Runs a sipp scenario playing the PBX (presence notifier) on 127.0.0.1 for one test, and always cleans up:
 * the process is killed and its trace files removed when the test ends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { until } from "../../support/until.js";

export { until };

export interface SippRun {
  readonly port: number;
  /** Resolves when sipp exits: its exit code (0 = every call passed) and its error/message logs. */
  readonly exited: Promise<{ code: number | null; errors: string; messages: string }>;
  kill(): void;
}

export const SIPP_DIR = fileURLToPath(new URL("../../sipp/", import.meta.url));

export function startSipp(
  scenario: string,
  options: { port: number; transport: "udp" | "tcp"; calls?: number; timeoutSeconds?: number; vars?: Record<string, string> },
): SippRun {
  const dir = mkdtempSync(join(tmpdir(), "presence-sipp-"));
  const errorFile = join(dir, "errors.log");
  const messageFile = join(dir, "messages.log");
  const args = [
    "-sf", join(SIPP_DIR, scenario),
    "-i", "127.0.0.1",
    "-p", String(options.port),
    "-t", options.transport === "udp" ? "u1" : "t1",
    "-m", String(options.calls ?? 1),
    "-timeout", `${options.timeoutSeconds ?? 30}s`,
    "-timeout_error",
    "-nostdin",
    "-trace_err", "-error_file", errorFile,
    "-trace_msg", "-message_file", messageFile,
  ];
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push("-key", name, value);
  const child: ChildProcess = spawn("sipp", args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; errors: string; messages: string }>((resolve) => {
    child.on("exit", (code) => {
      const read = (f: string): string => (existsSync(f) ? readFileSync(f, "utf8") : "");
      const result = { code, errors: `${stderr}${read(errorFile)}`, messages: read(messageFile) };
      rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
  });
  return {
    port: options.port,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

