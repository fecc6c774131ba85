/**
 * Seeded random SIP messages for the differential test: realistic shapes with the variations that trip parsers
 * (display names with quotes and escapes, escaped users, IPv6 hosts, URI and header parameters, compact forms,
 * header-name case, whitespace around separators, folding, multi-Contact, multi-Record-Route).
 * Only forms both parsers must agree on are generated; the documented differences have their own tests.
 */

export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32 */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const DISPLAY_NAMES = ["Alice Martin", "bob", '"Alice \\"Al\\" Martin"', '""', '"Zoë Ω Müller"', '"Sales, Queue"', '"a\\\\b"', "J.-P._O'Neil~x", "Alice \t  Martin", '"<sip:evil@x>; tag=1, q"'];
const USERS = ["1001", "alice", "+33123456789", "a%40b", "queue-sales", "user%20name", "x.y_z!~*'()", "tel%3A123", "a&b=c+d$e,f"];
const HOSTS = ["10.10.1.11", "cucm.example.com", "[2001:db8::1]", "[2001:db8:0:0:1:0:0:1]", "host_1.example-2.net", "EXAMPLE.COM", "192.0.2.255"];
// No ";method=" (sip.js's grammar then overwrites the message's method), no ";maddr=" / ";ttl=" (sip.js
// overwrites the host / moves ttl into the header parameters) and no IPv6-valued header parameter (overwrites
// the Via host): see the explicit difference tests.
const URI_PARAMS = [";transport=tcp", ";transport=UDP", ";user=phone", ";lr", ";ob", ";x-cisco=1", ";gr=urn:uuid:f81d4fae", ";X-Param=a.b"];
const HEADER_PARAMS = [";x-foo=bar", ";novalue", ';+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"', ";Party=calling", ";p=1.2.3.4", ';q2="a,b;c"', ";t=a.b-c!%*_+`'~"];
const METHODS = ["INVITE", "BYE", "OPTIONS", "SUBSCRIBE", "NOTIFY", "INFO", "UPDATE", "CANCEL", "ACK", "REFER", "MESSAGE"];

function randomCase(r: Random, name: string): string {
  switch (r.int(4)) {
    case 0:
      return name.toLowerCase();
    case 1:
      return name.toUpperCase();
    case 2:
      return [...name].map((c) => (r.chance(0.5) ? c.toUpperCase() : c.toLowerCase())).join("");
    default:
      return name;
  }
}

function uri(r: Random, withParams: boolean): string {
  let text = "sip:";
  if (r.chance(0.85)) text += r.pick(USERS) + "@";
  text += r.pick(HOSTS);
  if (r.chance(0.4)) text += ":" + (5060 + r.int(3000));
  if (withParams) for (let i = r.int(3); i > 0; i--) text += r.pick(URI_PARAMS);
  return text;
}

function sws(r: Random): string {
  return r.chance(0.8) ? "" : r.pick([" ", "  ", "\t"]);
}

function params(r: Random, list: readonly string[], max: number): string {
  let text = "";
  for (let i = r.int(max + 1); i > 0; i--) {
    const p = r.pick(list);
    text += r.chance(0.85) ? p : p.replace(";", sws(r) + ";" + sws(r)).replace("=", sws(r) + "=" + sws(r));
  }
  return text;
}

/** name-addr (or addr-spec when allowed and chosen) with header params. */
function nameAddr(r: Random, allowAddrSpec: boolean, extra: string): string {
  if (allowAddrSpec && r.chance(0.25)) return uri(r, false) + extra;
  const display = r.chance(0.6) ? r.pick(DISPLAY_NAMES) + (r.chance(0.8) ? " " : "") : "";
  return display + "<" + uri(r, true) + ">" + extra;
}

function header(r: Random, name: string, value: string, compact?: string): string {
  const written = compact && r.chance(0.3) ? compact : randomCase(r, name);
  const colon = r.pick([": ", ":", " : ", ":  ", ":\t"]);
  return written + colon + value + (r.chance(0.1) ? "  " : "");
}

/** Folds a value before a header parameter (RFC 3261 §7.3.1; never inside a URI, where no LWS is allowed). */
function maybeFold(r: Random, line: string): string {
  // Not in lines with quoted strings: a ">;" inside one is no parameter boundary.
  if (!r.chance(0.15) || line.includes('"')) return line;
  const at = line.indexOf(">;") + 1;
  if (at <= 0) return line;
  return line.slice(0, at) + "\r\n" + r.pick([" ", "\t", "   "]) + line.slice(at);
}

function contactList(r: Random): string {
  const count = 1 + (r.chance(0.3) ? r.int(3) : 0);
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const p = r.pick(["", ";expires=3600", ";expires=0060", ";q=0.5", ";q=0.700", ";q=1", ""]) + params(r, HEADER_PARAMS, 1);
    items.push(nameAddr(r, count === 1, p));
  }
  return items.join(r.pick([", ", ",", " , "]));
}

function routeList(r: Random): string {
  const count = 1 + r.int(3);
  const items: string[] = [];
  for (let i = 0; i < count; i++) {
    const display = r.chance(0.1) ? r.pick(['"Proxy" ', "proxy "]) : "";
    items.push(display + "<sip:" + r.pick(HOSTS) + (r.chance(0.5) ? ":5060" : "") + ";lr" + (r.chance(0.3) ? ";transport=tcp" : "") + ">" + (r.chance(0.1) ? ";x=1" : ""));
  }
  return items.join(r.pick([", ", ","]));
}

function via(r: Random, top: boolean): string {
  const transport = r.pick(["UDP", "TCP", "TLS", "tcp", "SCTP"]);
  let text = "SIP/2.0/" + transport + " " + r.pick(HOSTS) + (r.chance(0.5) ? ":" + (5060 + r.int(100)) : "");
  text += ";branch=z9hG4bK" + r.int(1e9).toString(36);
  if (r.chance(0.3)) text += ";rport" + (r.chance(0.5) ? "=" + (5060 + r.int(100)) : "");
  if (r.chance(0.2)) text += ";received=" + r.pick(["10.0.0.9", "192.0.2.1", "2001:db8::7", "[2001:db8::8]"]);
  if (r.chance(0.1)) text += ";ttl=" + r.int(255);
  if (r.chance(0.2)) text += params(r, HEADER_PARAMS, 1);
  if (!top && r.chance(0.3)) text += ", SIP/2.0/UDP " + r.pick(HOSTS) + ";branch=z9hG4bKx" + r.int(1000);
  return text;
}

/** One random request or response, ASCII body framed by Content-Length. */
export function randomMessage(r: Random): string {
  const isRequest = r.chance(0.6);
  const method = r.pick(METHODS);
  const lines: string[] = [];
  if (isRequest) lines.push(`${method} ${uri(r, true)} SIP/2.0`);
  else lines.push(`SIP/2.0 ${r.pick([100, 180, 183, 200, 202, 404, 486, 487, 503])} ${r.pick(["OK", "Ringing", "Busy Here", "", "Some Reason Phrase"])}`);
  const vias = 1 + r.int(3);
  for (let i = 0; i < vias; i++) lines.push(header(r, "Via", via(r, i === 0), "v"));
  lines.push(maybeFold(r, header(r, "From", nameAddr(r, true, ";tag=" + r.int(1e9).toString(16) + params(r, HEADER_PARAMS, 1)), "f")));
  const toTag = isRequest && r.chance(0.5) ? "" : ";tag=" + r.int(1e9).toString(16);
  lines.push(maybeFold(r, header(r, "To", nameAddr(r, true, toTag), "t")));
  lines.push(header(r, "Call-ID", r.int(1e12).toString(36) + (r.chance(0.7) ? "@" + r.pick(["10.0.0.1", "host.example.com"]) : ""), "i"));
  lines.push(header(r, "CSeq", `${r.int(2 ** 31 - 1)}${r.pick([" ", "  ", "\t"])}${method}`));
  if (isRequest || r.chance(0.2)) lines.push(header(r, "Max-Forwards", String(r.int(256))));
  const contacts = r.chance(0.7) ? 1 + (r.chance(0.2) ? 1 : 0) : 0;
  for (let i = 0; i < contacts; i++) lines.push(maybeFold(r, header(r, "Contact", contactList(r), "m")));
  const rrs = r.chance(0.4) ? 1 + r.int(2) : 0;
  for (let i = 0; i < rrs; i++) lines.push(header(r, "Record-Route", routeList(r)));
  if (isRequest && r.chance(0.2)) lines.push(header(r, "Route", "<sip:" + r.pick(HOSTS) + ";lr>"));
  if (method === "SUBSCRIBE" || method === "NOTIFY" || r.chance(0.1)) {
    lines.push(header(r, "Event", r.pick(["presence", "Presence;id=7", "dialog", "message-summary", "refer;id=3", "presence.winfo", "dialog;sla;include-session-description"])));
  }
  if (method === "NOTIFY") {
    lines.push(header(r, "Subscription-State", r.pick(["active;expires=3600", "pending", "terminated;reason=timeout", "terminated;reason=noresource;retry_after=30", "active;expires=60;x=y", "Terminated;retry-after=9"])));
  }
  if (r.chance(0.3)) lines.push(header(r, "Expires", String(r.int(7200))));
  if (method === "REFER") {
    const replaces = r.chance(0.5) ? "?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2" : "";
    lines.push(header(r, "Refer-To", r.chance(0.3) ? uri(r, false) : "<" + uri(r, true) + replaces + ">" + params(r, HEADER_PARAMS, 1), "r"));
  }
  if (r.chance(0.5)) lines.push(header(r, r.pick(["User-Agent", "X-Cisco-Foo", "P-Asserted-Identity", "Allow", "Supported", "Min-SE", "RAck", "Remote-Party-ID", "x_custom_header"]), r.pick(["a, b, c", '"Alice" <sip:1@h>', "Cisco-CUCM14.0", "100rel,timer"])));
  const body = r.chance(0.4) ? "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio " + (4000 + r.int(1000)) + " RTP/AVP 0\r\n" : "";
  if (body) {
    lines.push(header(r, "Content-Type", r.pick(["application/sdp", "application/SDP", "multipart/mixed;boundary=abc"]), "c"));
    if (r.chance(0.3)) lines.push(header(r, "Content-Disposition", r.pick(["session", "Session;handling=required", "render;x=1"])));
  }
  lines.push(header(r, "Content-Length", String(body.length), "l"));
  return lines.join("\r\n") + "\r\n\r\n" + body;
}
