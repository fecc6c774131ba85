/**
 * The parser's internal failure signal. Header parsers throw it (no stack trace is captured, so a flood of
 * malformed messages stays cheap); `parseSipMessage` turns it into a `SipParseError` and never lets it escape.
 */
import type { SipParseErrorFactory } from "./errors.js";

export class ParseFailure {
  constructor(
    readonly error: SipParseErrorFactory,
    readonly args: string[],
  ) {}
}

export function fail(error: SipParseErrorFactory, ...args: string[]): never {
  throw new ParseFailure(error, args);
}

/** Fills the error's `%s` template without building an Error object. */
export function reasonOf(failure: ParseFailure): string {
  let i = 0;
  return failure.error.definition.template.replace(/%s/g, () => clip(failure.args[i++] ?? ""));
}

/** Keeps reason phrases short and printable (they end up in a 400 status line). */
function clip(text: string): string {
  const short = text.length > 60 ? text.slice(0, 57) + "..." : text;
  return short.replace(/[^\x20-\x7e]/g, "?");
}
