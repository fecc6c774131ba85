/**
 * Runs a test worker inside a loopback-only network namespace (`unshare -n`, then `ip link set lo up`), as every
 * test that fires malformed, flood or third-party traffic must: nothing it sends can reach a real neighbour.
 * The worker prints one JSON line last; that line is parsed and returned with the exit status and stderr.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

export interface NetnsRun<T> {
  status: number | null;
  stderr: string;
  /** The worker's last stdout line, parsed; undefined when it is not JSON. */
  result: T | undefined;
}

/** Runs `node --conditions=tandem-src --import tsx <script>` (a path from the repo root) in a fresh namespace. */
export function runInLoopbackNetns<T>(script: string, options: { timeoutMs?: number; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<NetnsRun<T>> {
  const node = ["node", ...(options.nodeArgs ?? []), "--conditions=tandem-src", "--import", "tsx", script].join(" ");
  const child = spawn("unshare", ["-n", "sh", "-c", `ip link set lo up && exec ${node}`], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env ?? process.env,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8000)));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
  return new Promise((done) => {
    child.once("close", (status) => {
      clearTimeout(timer);
      let result: T | undefined;
      try {
        result = JSON.parse(stdout.trim().split("\n").pop() ?? "") as T;
      } catch {
        result = undefined;
      }
      done({ status, stderr, result });
    });
  });
}
