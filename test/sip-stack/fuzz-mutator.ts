/**
 * Mutations for the fuzz test: truncation, wrong Content-Length, bad bytes, huge headers, random splices,
 * duplicated or dropped lines. A seeded PRNG keeps every run reproducible (print the seed on failure).
 */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // xorshift32
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

type Mutation = (msg: Buffer, rnd: () => number, other: Buffer) => Buffer;

const pick = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

const MUTATIONS: Mutation[] = [
  (m, r) => m.subarray(0, pick(r, m.length)), // truncated
  (m, r) => Buffer.from(m.toString("latin1").replace(/Content-Length: *\d+/i, `Content-Length: ${[0, 1, 9999, -5, 4294967296][pick(r, 5)]}`), "latin1"),
  (m, r) => {
    const b = Buffer.from(m);
    for (let i = 0; i < 1 + pick(r, 8); i++) b[pick(r, b.length)] = pick(r, 256);
    return b; // bad bytes
  },
  (m, r) => {
    const s = m.toString("latin1");
    const at = s.indexOf("\r\n") + 2;
    const name = ["X-Big", "Via", "Contact", "From", "Route"][pick(r, 5)];
    return Buffer.from(`${s.slice(0, at)}${name}: ${"A".repeat(1000 + pick(r, 70000))}\r\n${s.slice(at)}`, "latin1"); // huge header
  },
  (m, r, o) => Buffer.concat([m.subarray(0, pick(r, m.length)), o.subarray(pick(r, o.length))]), // splice
  (m, r) => {
    const lines = m.toString("latin1").split("\r\n");
    const i = 1 + pick(r, Math.max(1, lines.length - 3));
    if (r() < 0.5) lines.splice(i, 1);
    else lines.splice(i, 0, lines[i] ?? "");
    return Buffer.from(lines.join("\r\n"), "latin1"); // dropped or duplicated line
  },
  (m) => Buffer.from(m.toString("latin1").replace(/\r\n/g, "\n"), "latin1"), // bare LF
  (m, r) => Buffer.from(m.toString("latin1").replace(/[<>;:@]/g, (c) => (r() < 0.2 ? "" : c)), "latin1"), // lost separators
];

export function mutate(msg: Buffer, rnd: () => number, other: Buffer): Buffer {
  let out = msg;
  const rounds = 1 + pick(rnd, 3);
  for (let i = 0; i < rounds; i++) out = MUTATIONS[pick(rnd, MUTATIONS.length)]!(out, rnd, other);
  return out.length > 65000 ? out.subarray(0, 65000) : out;
}

/** Seed messages: typical traffic plus the torture corpus, with our port in the Request-URI. */
export function seedMessages(port: number): Buffer[] {
  const base = (method: string, extra: string[] = [], body = ""): Buffer =>
    Buffer.from(
      [
        `${method} sip:1001@127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK${Math.random().toString(36).slice(2)};rport`,
        'From: "Fuzz" <sip:fuzz@127.0.0.1>;tag=fz1',
        `To: <sip:1001@127.0.0.1:${port}>`,
        `Call-ID: fuzz-${Math.random().toString(36).slice(2)}@127.0.0.1`,
        `CSeq: 1 ${method}`,
        "Contact: <sip:fuzz@127.0.0.1:9>",
        "Max-Forwards: 70",
        ...extra,
        `Content-Length: ${Buffer.byteLength(body)}`,
        "",
        body,
      ].join("\r\n"),
      "latin1",
    );
  const sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
  return [
    base("INVITE", ["Content-Type: application/sdp", "Session-Expires: 1800;refresher=uac"], sdp),
    base("OPTIONS"),
    base("BYE"),
    base("NOTIFY", ["Event: presence", "Subscription-State: active;expires=60", "Content-Type: application/pidf+xml"], "<presence/>"),
    base("UPDATE"),
    Buffer.from(`SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKx\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: r1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n`, "latin1"),
  ];
}
