/**
 * Cuts a TCP/TLS byte stream into SIP messages. RFC 3261 §18.3: on a stream the Content-Length header
 * MUST be present and counts BYTES of the body, so a message is "headers up to CRLFCRLF" plus that
 * many bytes. Chunks may split a message anywhere or carry several (coalesced) messages.
 * Keep-alives (RFC 5626 §4.4.1): a CRLFCRLF "ping" between messages is answered with a CRLF "pong";
 * a lone CRLF (a pong, or empty lines that §7.5 says to ignore) is eaten.
 */

/** Limits that stop a peer from making us buffer without end. */
export interface FramerLimits {
  /** Bytes allowed for the start line plus headers (default 16 KiB). */
  maxHeaderBytes: number;
  /** Largest Content-Length accepted (default 1 MiB). */
  maxContentLength: number;
}

export const DEFAULT_FRAMER_LIMITS: FramerLimits = { maxHeaderBytes: 16 * 1024, maxContentLength: 1024 * 1024 };

export interface FramerSink {
  message(data: Buffer): void;
  /** A CRLFCRLF ping arrived; the owner writes CRLF back. */
  ping(): void;
  /** Framing failed; the owner closes the connection. No further calls follow. */
  error(reason: string): void;
}

const CR = 13;
const LF = 10;
const HEADER_END = Buffer.from("\r\n\r\n");

/** Reads the Content-Length out of the header block (latin1 text); -1 when absent, -2 when malformed. */
export function readContentLength(head: string): number {
  let found = -1;
  let pos = head.indexOf("\r\n") + 2; // skip the start line
  while (pos > 1 && pos < head.length) {
    let end = head.indexOf("\r\n", pos);
    if (end < 0) end = head.length;
    const colon = head.indexOf(":", pos);
    if (colon > pos && colon < end) {
      const name = head.slice(pos, colon).trim().toLowerCase();
      if (name === "content-length" || name === "l") {
        const raw = head.slice(colon + 1, end).trim();
        if (raw === "" || raw.length > 10 || !/^[0-9]+$/.test(raw)) return -2;
        const value = Number(raw);
        if (found >= 0 && found !== value) return -2; // two different lengths: cannot frame safely
        found = value;
      }
    }
    pos = end + 2;
  }
  return found;
}

export class StreamFramer {
  private pending: Buffer = Buffer.alloc(0);
  private failed = false;

  constructor(
    private readonly sink: FramerSink,
    private readonly limits: FramerLimits = DEFAULT_FRAMER_LIMITS,
  ) {}

  /** Bytes held while waiting for the rest of a message. */
  get buffered(): number {
    return this.pending.length;
  }

  /**
   * True while part of a message is held. A CR, CRLF or CRLFCR alone is not one: it waits for the next byte to
   * tell a keep-alive ping from a pong (RFC 5626 §4.4.1) and may rightly wait for as long as the peer is quiet.
   */
  get holdsPartialMessage(): boolean {
    const p = this.pending;
    if (p.length === 0) return false;
    const keepAliveSoFar = p.length <= 3 && p[0] === CR && (p.length < 2 || p[1] === LF) && (p.length < 3 || p[2] === CR);
    return !keepAliveSoFar;
  }

  push(chunk: Buffer): void {
    if (this.failed) return;
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (!this.failed && this.pending.length > 0) {
      if (!this.takeKeepAlive() && !this.takeMessage()) break;
    }
  }

  /** Consumes leading CRLFs. Returns true when it consumed something. */
  private takeKeepAlive(): boolean {
    const p = this.pending;
    if (p[0] !== CR) return false;
    if (p.length < 2) return false; // wait: could be a ping or a pong
    if (p[1] !== LF) return false; // a bare CR: let the message path reject it
    if (p.length >= 4 && p[2] === CR && p[3] === LF) {
      this.pending = p.subarray(4);
      this.sink.ping();
      return true;
    }
    if (p.length === 2 || (p.length === 3 && p[2] === CR)) return false; // maybe half a ping: wait
    this.pending = p.subarray(2);
    return true;
  }

  /** Emits one complete message if the buffer holds one. Returns true when it did. */
  private takeMessage(): boolean {
    const p = this.pending;
    const headEnd = p.indexOf(HEADER_END);
    if (headEnd < 0) {
      if (p.length > this.limits.maxHeaderBytes) this.fail("header section too large");
      return false;
    }
    if (headEnd + 4 > this.limits.maxHeaderBytes) {
      this.fail("header section too large");
      return false;
    }
    const length = readContentLength(p.toString("latin1", 0, headEnd + 2));
    if (length === -1) return this.fail("missing Content-Length on a stream (RFC 3261 §18.3)");
    if (length === -2) return this.fail("malformed Content-Length");
    if (length > this.limits.maxContentLength) return this.fail(`Content-Length ${length} over the limit`);
    const total = headEnd + 4 + length;
    if (p.length < total) return false;
    const message = p.subarray(0, total);
    this.pending = p.subarray(total);
    this.sink.message(message);
    return true;
  }

  private fail(reason: string): false {
    this.failed = true;
    this.pending = Buffer.alloc(0);
    this.sink.error(reason);
    return false;
  }
}
