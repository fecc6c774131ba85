/**
 * `config.example.json` as a test runs it: every loopback port it names (SIP listeners, admin API, DN contacts)
 * moved to a free one, the database in a temp folder. Everything else is the file as shipped, so a test on this
 * config proves what the README says of it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import { REPO_ROOT } from "./tandem-process.js";

export interface ExampleConfig {
  file: string;
  /** The parsed config as written. */
  config: Record<string, any>;
  /** Shipped port → the free port used instead. */
  ports: Map<number, number>;
  sipPort: number;
  adminPort: number;
}

/** Writes the remapped example config as `dir/config.json`; `edit` may change it before it is written. */
export async function writeExampleConfig(dir: string, edit: (config: Record<string, any>) => void = () => undefined): Promise<ExampleConfig> {
  const text = readFileSync(join(REPO_ROOT, "config.example.json"), "utf8");
  const ports = new Map<number, number>();
  for (const match of text.matchAll(/"port":\s*(\d+)|127\.0\.0\.1:(\d+)/g)) {
    const port = Number(match[1] ?? match[2]);
    if (!ports.has(port)) ports.set(port, await freePort());
  }
  const remapped = text
    .replace(/("port":\s*)(\d+)/g, (_, key: string, port: string) => `${key}${ports.get(Number(port))}`)
    .replace(/127\.0\.0\.1:(\d+)/g, (_, port: string) => `127.0.0.1:${ports.get(Number(port))}`);
  const config = JSON.parse(remapped) as Record<string, any>;
  config["$schema"] = join(REPO_ROOT, "config.schema.json");
  config["storage"].path = join(dir, "data", "tandem.sqlite");
  edit(config);
  const file = join(dir, "config.json");
  writeFileSync(file, JSON.stringify(config, null, 2));
  return { file, config, ports, sipPort: config["sip"].listen[0].port, adminPort: config["admin"].port };
}
