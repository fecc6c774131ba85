/**
 * Tandem as a real child process, the way an operator runs it: `npm start` (npm → sh → node), the built CLI,
 * or the CLI from source. Output is collected so a test can wait for a log line; the process (and, for npm,
 * its node grandchild) is SIGKILLed after the test if still alive.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import { until } from "./until.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `npm-start`: the README's command; `dist`: `node core/dist/cli.js`; `source`: the CLI through tsx. */
export type TandemLaunch = "npm-start" | "dist" | "source";

export interface TandemProcess {
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Live processes started under the child (npm's shell, node), including any that outlived it. */
  processes(): number[];
  /** Waits until the collected output matches `pattern`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

function commandFor(launch: TandemLaunch, configFile: string): [string, string[]] {
  if (launch === "npm-start") return ["npm", ["start", "--", "--config", configFile]];
  if (launch === "dist") return [process.execPath, [join(REPO_ROOT, "core/dist/cli.js"), "--config", configFile]];
  // tsx by its own path: the cwd may be a temp folder with no node_modules.
  return [process.execPath, ["--conditions=tandem-src", "--import", import.meta.resolve("tsx"), join(REPO_ROOT, "core/src/cli.ts"), "--config", configFile]];
}

/** `t` is a test's context, or anything with its `after` (a benchmark ends the process in its own clean-up). */
export function startTandem(t: Pick<TestContext, "after">, launch: TandemLaunch, configFile: string, cwd = REPO_ROOT): TandemProcess {
  const [command, args] = commandFor(launch, configFile);
  const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  // Every process seen under npm, so one orphaned by a lost signal is still ended (and its pipes closed).
  const seen = new Set<number>();
  const processes = (): number[] => {
    for (const pid of descendants(child.pid ?? 0)) seen.add(pid);
    return [...seen].filter(alive);
  };
  const watch = setInterval(processes, 200);
  t.after(() => {
    clearInterval(watch);
    for (const pid of processes()) killQuietly(pid);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return {
    child,
    processes,
    output: () => output,
    exited,
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      until(() => {
        if (pattern.test(output)) return true;
        // Start-up failed (a build error, a bad config): say so now, not after the whole time-out.
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Tandem exited (${child.exitCode ?? child.signalCode}) before ${pattern}`);
        return false;
      }, timeoutMs, `${pattern} in Tandem's output`).catch((err: unknown) => {
        throw new Error(`${err instanceof Error ? err.message : String(err)}:\n${output}`);
      }),
  };
}

/** Process ids whose parent chain leads to `pid` (read from /proc: npm's shell and node). */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent; the command name (field 2) may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

/** The program name of `pid` (`/proc/<pid>/comm`: "node", "sh", "npm …"), or "" once it is gone. */
export function programName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** True while `pid` runs (a zombie, exited but not yet reaped, counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
