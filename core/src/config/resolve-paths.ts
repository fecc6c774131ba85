/** Relative paths in the config (storage, TLS files, plugin modules) are relative to the config file's folder. */
import { isAbsolute, resolve } from "node:path";
import type { TandemConfig } from "./types.js";

/** True for `./x`, `../x`, `/x` and `.`; false for npm package names such as `@acme/tandem-plugin`. */
export function isPathSpecifier(spec: string): boolean {
  return spec === "." || spec === ".." || spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec);
}

/** Resolves in place and returns the config. */
export function resolveConfigPaths(config: TandemConfig, dir: string): TandemConfig {
  if (config.storage.path !== ":memory:") config.storage.path = resolve(dir, config.storage.path);
  for (const listener of config.sip.listen) {
    if (listener.cert !== undefined) listener.cert = resolve(dir, listener.cert);
    if (listener.key !== undefined) listener.key = resolve(dir, listener.key);
    if (listener.ca !== undefined) listener.ca = resolve(dir, listener.ca);
  }
  for (const section of Object.values(config.plugins)) {
    if (section.module !== undefined && isPathSpecifier(section.module)) section.module = resolve(dir, section.module);
  }
  return config;
}
