/**
 * Character classes of the RFC 3261 §25.1 ABNF as lookup tables (ASCII only; anything ≥ 0x80 is outside
 * every class here), so the hot path never runs a regular expression.
 */

function table(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 48; c <= 57; c++) t[c] = 1;
    for (let c = 65; c <= 90; c++) t[c] = 1;
    for (let c = 97; c <= 122; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const MARK = "-_.!~*'()";
/** token (§25.1): header names, methods, parameter names, tags, branches. */
export const TOKEN = table("-.!%*_+`'~", true);
/** userinfo = user [":" password]: unreserved / escaped / user-unreserved, plus ":" for the password. */
export const USERINFO = table(MARK + "%&=+$,;?/:", true);
/** hostname characters (sip.js also admits "_" in domain labels). */
export const HOSTNAME = table("-_.", true);
/** paramchar of uri-parameters: param-unreserved / unreserved / escaped. */
export const PARAMCHAR = table(MARK + "%[]/:&+$", true);
/** hname / hvalue characters of URI headers: hnv-unreserved / unreserved / escaped. */
export const HNVCHAR = table(MARK + "%[]/?:+$", true);
/** word (Call-ID). */
export const WORD = table("-.!%*_+`'~()<>:\\\"/[]?{}", true);
/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
export const SCHEME = table("+-.", true);
/** gen-value = token / host / quoted-string: token characters plus the IPv6 reference ones. */
export const GENVALUE = table("-.!%*_+`'~[]:", true);
/** characters of an absolute (non-SIP) URI: reserved / unreserved / escaped, minus the separators we split on. */
export const ABSURI = table(MARK + "%/?:@&=+$", true);

/** Index of the first char at or after `i` (before `end`) that is not in class `t`. */
export function spanClass(s: string, i: number, end: number, t: Uint8Array): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c >= 128 || t[c] !== 1) return i;
    i++;
  }
  return i;
}

/** Skips SP and HTAB (folding was already replaced by one SP). */
export function skipWs(s: string, i: number, end: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9) return i;
    i++;
  }
  return i;
}

export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Replaces each fold (optional SP/HTAB, CRLF, then at least one SP/HTAB) with one SP (RFC 3261 §7.3.1); a CRLF
 * not followed by whitespace is kept. Linear time: the equivalent regular expression backtracks quadratically
 * over long runs of spaces, which a hostile peer could exploit.
 */
export function unfold(text: string): string {
  let out = "";
  let pos = 0;
  let from = 0;
  for (;;) {
    const crlf = text.indexOf("\r\n", from);
    if (crlf < 0) return out + text.slice(pos);
    let next = crlf + 2;
    const c = text.charCodeAt(next);
    if (c !== 32 && c !== 9) {
      from = next;
      continue;
    }
    while (next < text.length && (text.charCodeAt(next) === 32 || text.charCodeAt(next) === 9)) next++;
    let end = crlf;
    while (end > pos && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
    out += text.slice(pos, end) + " ";
    pos = from = next;
  }
}
