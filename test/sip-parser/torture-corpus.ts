/**
 * Where the RFC 4475 corpus lives: `<repo>/../shared/torture/rfc4475` (from /work/main, and from a CI clone that
 * has shared/ beside the repo), or `$TANDEM_RFC4475_DIR`.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const corpusDir = process.env["TANDEM_RFC4475_DIR"] ?? resolve(repoRoot, "../shared/torture/rfc4475");

/** INDEX.tsv rows: [file, section, "valid" | "invalid", what a compliant element does]. */
export function readIndex(): Array<[string, string, string, string]> {
  return readFileSync(resolve(corpusDir, "INDEX.tsv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split("\t") as [string, string, string, string]);
}

export function readTorture(file: string): Buffer {
  return readFileSync(resolve(corpusDir, file));
}
