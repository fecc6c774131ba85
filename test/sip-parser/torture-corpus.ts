/**
 * The RFC 4475 corpus shipped with the tests (`test/fixtures/rfc4475`, byte-exact; `.gitattributes` keeps git
 * from touching its line ends): a fresh clone carries everything the suite reads.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const corpusDir = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/rfc4475");

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
