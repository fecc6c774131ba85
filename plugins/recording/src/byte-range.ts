/**
 * The `Range` header of a download (RFC 9110 §14.2): one `bytes=` range — first-last, first-, or -suffix. Several
 * ranges in one request are served as the whole file (§14.2 lets a server ignore Range), which a browser's
 * seeking never asks for.
 */
import { RecordingErrors } from "./errors.js";

export interface ByteRange {
  start: number;
  /** Inclusive. */
  end: number;
}

/** `undefined` for no (or an ignored) Range; throws TANDEM_ERR_RECORDING_BAD_RANGE (416) when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  let start: number;
  let end: number;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0) throw RecordingErrors.badRange(header, String(size));
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== "" && Number(last) < start) return undefined;
  }
  if (start >= size || size === 0) throw RecordingErrors.badRange(header, String(size));
  return { start, end };
}
