/**
 * Cheap, allocation-light reading of one Via header value (RFC 3261 §20.42, §25.1 `via-parm`):
 * `SIP/2.0/UDP host:port;branch=z9hG4bK…;rport;received=…`. Used on the hot path (outgoing peek,
 * transaction keys, Via stamping), so it scans characters instead of running regular expressions.
 */

/** The fields of one Via value that transport and transaction code need. */
export interface ViaParts {
  /** Transport token, upper case (`UDP`, `TCP`, `TLS`, …). */
  transport: string;
  /** Host of sent-by, lower case; IPv6 keeps its brackets. */
  host: string;
  /** Port of sent-by, or undefined when absent. */
  port: number | undefined;
  /** `host[:port]` exactly as the transaction key wants it (host lower-cased). */
  sentBy: string;
  branch: string;
  received: string | undefined;
  /** `true` for a bare `;rport`, the number for `;rport=1234`, undefined when absent. */
  rport: number | true | undefined;
  /** Index in the value where the parameters start (the first `;`), or the value length. */
  paramsStart: number;
}

/** Index of the first comma of `value` at or after `from` that is outside a quoted string and outside `<…>`; -1 if none. */
export function topLevelComma(value: string, from = 0): number {
  let quoted = false;
  let angle = false;
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 60 /* < */) angle = true;
    else if (c === 62 /* > */) angle = false;
    else if (c === 44 /* , */ && !angle) return i;
  }
  return -1;
}

/** The first value of a (possibly comma-joined) Via header line, trimmed. */
export function firstViaValue(line: string): string {
  const comma = topLevelComma(line);
  return (comma < 0 ? line : line.slice(0, comma)).trim();
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

/** Splits `sent-protocol LWS sent-by` (the part before the first `;`). Returns false when malformed. */
function readProtocolAndSentBy(value: string, end: number, out: ViaParts): boolean {
  // sent-protocol = name SLASH version SLASH transport; SLASH may have LWS around it (§25.1).
  let slashes = 0;
  let i = 0;
  for (; i < end && slashes < 2; i++) if (value.charCodeAt(i) === 47) slashes++;
  if (slashes < 2) return false;
  while (i < end && isSpace(value.charCodeAt(i))) i++;
  const tStart = i;
  while (i < end && !isSpace(value.charCodeAt(i))) i++;
  out.transport = value.slice(tStart, i).toUpperCase();
  while (i < end && isSpace(value.charCodeAt(i))) i++;
  let sentBy = value.slice(i, end).trim();
  if (!out.transport || !sentBy) return false;
  let host = sentBy;
  let port: number | undefined;
  const close = sentBy.lastIndexOf("]");
  const colon = sentBy.lastIndexOf(":");
  if (colon > close && (sentBy.charCodeAt(0) === 91 || sentBy.indexOf(":") === colon)) {
    host = sentBy.slice(0, colon).trim();
    port = Number(sentBy.slice(colon + 1).trim());
    if (!Number.isInteger(port) || port <= 0 || port > 65535) return false;
  }
  host = host.toLowerCase();
  sentBy = port === undefined ? host : `${host}:${port}`;
  out.host = host;
  out.port = port;
  out.sentBy = sentBy;
  return true;
}

/** Reads the parameters after `paramsStart` into `out` (branch, received, rport). */
function readParams(value: string, out: ViaParts): void {
  let i = out.paramsStart;
  while (i < value.length) {
    let next = value.indexOf(";", i + 1);
    if (next < 0) next = value.length;
    const eq = value.indexOf("=", i + 1);
    const nameEnd = eq >= 0 && eq < next ? eq : next;
    const name = value.slice(i + 1, nameEnd).trim().toLowerCase();
    const raw = nameEnd === next ? undefined : value.slice(eq + 1, next).trim();
    if (name === "branch" && raw !== undefined) out.branch = raw;
    else if (name === "received" && raw !== undefined) out.received = raw;
    else if (name === "rport") {
      const n = raw === undefined || raw === "" ? NaN : Number(raw);
      out.rport = Number.isInteger(n) && n > 0 && n <= 65535 ? n : true;
    }
    i = next;
  }
}

/** Parses one Via value. Returns undefined when it is not a usable Via. */
export function parseVia(value: string): ViaParts | undefined {
  const semi = value.indexOf(";");
  const out: ViaParts = {
    transport: "",
    host: "",
    port: undefined,
    sentBy: "",
    branch: "",
    received: undefined,
    rport: undefined,
    paramsStart: semi < 0 ? value.length : semi,
  };
  if (!readProtocolAndSentBy(value, out.paramsStart, out)) return undefined;
  readParams(value, out);
  return out;
}
