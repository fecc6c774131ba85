import { test } from "node:test";
import assert from "node:assert/strict";
import { SdpOrigin } from "../../core/src/sip/sdp/sdp-origin.js";

function sdp(origin: string, port: number, direction = "sendrecv"): string {
  return `v=0\r\n${origin}\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=${direction}\r\n`;
}
const originOf = (text: string): string => /^o=.*$/m.exec(text)?.[0].trimEnd() ?? "";

test("the first SDP sent on a leg goes out as it is and fixes the leg's origin", { timeout: 180_000 }, () => {
  const first = sdp("o=ms 42 7 IN IP4 10.0.0.9", 6000);
  const origin = new SdpOrigin();
  assert.equal(origin.stamp(first), first);
});

test("a description from another party keeps the leg's origin, version + 1 (RFC 3264 §8)", { timeout: 180_000 }, () => {
  const origin = new SdpOrigin(sdp("o=ms 42 7 IN IP4 10.0.0.9", 6000));
  const agent = origin.stamp(sdp("o=CiscoSystemsCCM-SIP 9999 1 IN IP4 10.1.1.1", 7000));
  assert.equal(originOf(agent), "o=ms 42 8 IN IP4 10.0.0.9");
  assert.match(agent, /m=audio 7000 RTP\/AVP 0/, "everything but o= is the agent's");
  const held = origin.stamp(sdp("o=CiscoSystemsCCM-SIP 9999 2 IN IP4 10.1.1.1", 7000, "sendonly"));
  assert.equal(originOf(held), "o=ms 42 9 IN IP4 10.0.0.9");
});

test("an unchanged description keeps its version (session refresh, 491 retry)", { timeout: 180_000 }, () => {
  const origin = new SdpOrigin(sdp("o=a 1 5 IN IP4 127.0.0.1", 6000));
  const changed = origin.stamp(sdp("o=b 2 100 IN IP4 127.0.0.2", 6002));
  assert.equal(originOf(changed), "o=a 1 6 IN IP4 127.0.0.1");
  assert.equal(origin.stamp(changed), changed);
  assert.equal(originOf(origin.stamp(sdp("o=b 2 101 IN IP4 127.0.0.2", 6002))), "o=a 1 6 IN IP4 127.0.0.1");
});

test("a relayed description from the same party still counts up by one from the leg's own version", { timeout: 180_000 }, () => {
  const origin = new SdpOrigin(sdp("o=caller 3 10 IN IP4 127.0.0.1", 6000));
  // The caller's own version jumps (10 → 15): the peer sees 11, one more than what we last sent.
  assert.equal(originOf(origin.stamp(sdp("o=caller 3 15 IN IP4 127.0.0.1", 6004))), "o=caller 3 11 IN IP4 127.0.0.1");
});

test("64-bit NTP-style versions do not lose precision", { timeout: 180_000 }, () => {
  const origin = new SdpOrigin(sdp("o=- 3912345678901234567 18446744073709551000 IN IP4 127.0.0.1", 6000));
  assert.equal(originOf(origin.stamp(sdp("o=x 1 1 IN IP4 127.0.0.1", 6002))), "o=- 3912345678901234567 18446744073709551001 IN IP4 127.0.0.1");
});

test("an SDP without o= is sent as it is", { timeout: 180_000 }, () => {
  const origin = new SdpOrigin(sdp("o=a 1 5 IN IP4 127.0.0.1", 6000));
  const bare = "v=0\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n";
  assert.equal(origin.stamp(bare), bare);
});
