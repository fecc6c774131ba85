#!/usr/bin/env node
/**
 * `tandem [--config FILE]` (or `TANDEM_CONFIG`; default `config.example.json` in the cwd). Config and
 * plugin problems are printed readably to stderr with exit code 1; SIGINT/SIGTERM shut down gracefully
 * and exit 0.
 */
import { parseArgs } from "node:util";
import { TandemError } from "@tandem/sdk";
import type { BootProblem } from "./config/problems.js";
import { readConfigFile } from "./config/read-config-file.js";
import { createServer, type TandemServer } from "./server.js";
import { ServerErrors } from "./server-errors.js";

function configPath(argv: string[]): string {
  try {
    const { values } = parseArgs({ args: argv, options: { config: { type: "string", short: "c" } }, strict: true });
    return values.config ?? process.env["TANDEM_CONFIG"] ?? "config.example.json";
  } catch (err) {
    throw ServerErrors.cliUsage(err instanceof Error ? err.message : String(err));
  }
}

/** Problems one per line, each with its JSON path; other errors as `code: message`. */
function report(err: unknown, file: string | undefined): void {
  if (err instanceof TandemError && Array.isArray(err.details)) {
    const problems = err.details as BootProblem[];
    process.stderr.write(`tandem: ${problems.length} problem(s) in ${file ?? "the configuration"} [${err.code}]; nothing was started\n`);
    for (const p of problems) {
      const text = p.message.startsWith(p.path) ? p.message : `${p.path}: ${p.message}`;
      process.stderr.write(`  - ${text} [${p.code}]\n`);
    }
    return;
  }
  const code = err instanceof TandemError ? err.code : "error";
  process.stderr.write(`tandem: ${code}: ${err instanceof Error ? err.message : String(err)}\n`);
}

async function main(): Promise<void> {
  let file: string | undefined;
  let server: TandemServer;
  try {
    const path = configPath(process.argv.slice(2));
    const loaded = readConfigFile(path);
    file = loaded.file;
    server = await createServer(loaded.raw, { configDir: loaded.dir });
  } catch (err) {
    report(err, file);
    process.exitCode = 1;
    return;
  }
  // Installed before the start: the admin API answers before the SIP listeners (and their socket threads) are up,
  // so a signal can come while the start is still going; it is then honoured once the start settles.
  const started = server.start();
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`tandem: ${signal} received, shutting down\n`);
    // The stop cuts short what outlives shutdown.deadlineMs itself; this is the backstop for a stop that
    // cannot even do that (a synchronous hang), a little later so the stop's own log lines come first.
    const deadlineMs = server.config.shutdown.deadlineMs;
    setTimeout(() => {
      process.stderr.write(`tandem: shutdown took longer than ${deadlineMs / 1000} s (shutdown.deadlineMs); exiting\n`);
      process.exit(1);
    }, deadlineMs + 2_000).unref();
    // A start that fails closes what it opened and is reported below; the stop then has nothing left to close.
    started.catch(() => undefined).then(() => server.stop()).then(
      () => process.exit(0),
      (err: unknown) => {
        report(err, file);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  try {
    await started;
  } catch (err) {
    if (stopping) return;
    report(err, file);
    process.exitCode = 1;
    // A failed start has closed what it opened (server.ts); the handlers must not keep the process either.
    process.removeAllListeners("SIGINT");
    process.removeAllListeners("SIGTERM");
  }
}

await main();
