/** Reads the config file: a missing file, an unreadable one and bad JSON each get their own code. */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigErrors } from "./errors.js";

export interface ConfigFile {
  /** Absolute path of the file. */
  readonly file: string;
  /** Folder relative paths in the config are resolved against. */
  readonly dir: string;
  /** The parsed JSON, not validated yet. */
  readonly raw: unknown;
}

/** Line and column (1-based) of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** Finds where `JSON.parse` stopped; V8 reports "at position N" or "(line L column C)". */
function errorPosition(text: string, message: string): { line: number; column: number } {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) return { line: Number(lc[1]), column: Number(lc[2]) };
  const pos = /position (\d+)/.exec(message);
  if (pos) return lineColumn(text, Number(pos[1]));
  return lineColumn(text, text.length);
}

export function readConfigFile(path: string): ConfigFile {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw ConfigErrors.notFound(file);
    throw ConfigErrors.read(file, err instanceof Error ? err.message : String(err));
  }
  try {
    return { file, dir: dirname(file), raw: JSON.parse(text) as unknown };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const { line, column } = errorPosition(text, message);
    throw ConfigErrors.json(file, line, column, message);
  }
}
