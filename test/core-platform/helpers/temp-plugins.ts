/**
 * Real plugins for tests: each is written as a small npm package (package.json + index.js) in a temporary
 * folder whose node_modules links @tandem/sdk, then loaded by the host through `plugins.<id>.module`.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** A temp folder removed after the test, with `node_modules/@tandem/sdk` linked to the repo's SDK. */
export function tempDir(t: TestContext, prefix = "tandem-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "node_modules", "@tandem"), { recursive: true });
  symlinkSync(join(REPO, "sdk"), join(dir, "node_modules", "@tandem", "sdk"), "dir");
  return dir;
}

export interface TempPlugin {
  name: string;
  version?: string;
  sdk?: string;
  dependsOn?: string[];
  configSchema?: Record<string, unknown>;
  dnOptions?: Record<string, unknown>;
  /** JS statements run in `register(ctx)`; `trace(x)` appends to the shared trace. */
  register?: string;
  /** Package folder name (default the plugin name) and npm name (default `tandem-plugin-<name>`). */
  folder?: string;
  packageName?: string;
}

/** Writes the plugin package under `dir/plugins/<folder>` and returns its folder path. */
export function writePlugin(dir: string, plugin: TempPlugin): string {
  const folder = join(dir, "plugins", plugin.folder ?? plugin.name);
  mkdirSync(folder, { recursive: true });
  const manifest = {
    name: plugin.name,
    version: plugin.version ?? "1.0.0",
    sdk: plugin.sdk ?? "^0.1.0",
    ...(plugin.dependsOn ? { dependsOn: plugin.dependsOn } : {}),
    ...(plugin.configSchema ? { configSchema: plugin.configSchema } : {}),
    ...(plugin.dnOptions ? { dnOptions: plugin.dnOptions } : {}),
  };
  const pkg = { name: plugin.packageName ?? `tandem-plugin-${plugin.name}`, version: manifest.version, type: "module", main: "index.js" };
  writeFileSync(join(folder, "package.json"), JSON.stringify(pkg, null, 2));
  writeFileSync(
    join(folder, "index.js"),
    [
      'import { definePlugin } from "@tandem/sdk";',
      "const trace = (entry) => (globalThis.__tandemTrace ??= []).push(entry);",
      `export default definePlugin({ manifest: ${JSON.stringify(manifest)}, async register(ctx) {`,
      `  trace("register:" + ctx.id);`,
      plugin.register ?? "",
      "} });",
      "",
    ].join("\n"),
  );
  return folder;
}

/** The shared trace the temp plugins append to; cleared by `resetTrace`. */
export function trace(): string[] {
  return ((globalThis as { __tandemTrace?: string[] }).__tandemTrace ??= []);
}

export function resetTrace(): void {
  (globalThis as { __tandemTrace?: string[] }).__tandemTrace = [];
}

/** A valid minimal config (no plugins) for a test server; storage in memory, admin on an ephemeral port. */
export function baseConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sip: { listen: [{ transport: "udp", host: "127.0.0.1", port: 0 }] },
    admin: { host: "127.0.0.1", port: 0, tokens: [{ name: "test", token: "test-token-0123456789" }] },
    storage: { path: ":memory:", eventFlushMs: 5 },
    log: { level: "silent" },
    ...extra,
  };
}
