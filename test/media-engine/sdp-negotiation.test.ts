/** SDP offer/answer of the engine (RFC 3264): codec choice, directions, refused streams, the offerless direction. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "sdp-transform";
import { answerOffer, makeOffer, readAnswer, SdpOrigin, SdpProblem } from "../../plugins/media-engine/src/sdp-negotiation.js";

const local = () => ({ address: "192.0.2.10", port: 20000, origin: new SdpOrigin() });

function offer(lines: string[]): string {
  return ["v=0", "o=phone 1 1 IN IP4 198.51.100.7", "s=-", "c=IN IP4 198.51.100.7", "t=0 0", ...lines, ""].join("\r\n");
}

describe("media engine SDP negotiation", { timeout: 300_000 }, () => {
  it("answers with the offer's first G.711 codec and telephone-event, refusing other streams with port 0 (§6)", () => {
    const { sdp, remote } = answerOffer(
      offer([
        "m=audio 4000 RTP/AVP 18 8 0 101",
        "a=rtpmap:18 G729/8000",
        "a=rtpmap:101 telephone-event/8000",
        "a=rtcp:4009",
        "m=video 4002 RTP/AVP 96",
        "a=rtpmap:96 H264/90000",
      ]),
      local(),
    );
    assert.deepEqual(remote, { host: "198.51.100.7", rtpPort: 4000, rtcpPort: 4009, codec: "PCMA", payloadType: 8, telephoneEventPt: 101, sends: true, receives: true });
    const answer = parse(sdp);
    assert.equal(answer.connection?.ip, "192.0.2.10");
    assert.equal(answer.media.length, 2, "one m= line per offered stream");
    assert.equal(answer.media[0]?.port, 20000);
    assert.equal(answer.media[0]?.payloads, "8 101");
    assert.equal(answer.media[0]?.ptime, 20);
    assert.equal(answer.media[0]?.direction, "sendrecv");
    assert.equal(answer.media[1]?.type, "video");
    assert.equal(answer.media[1]?.port, 0);
  });

  it("mirrors the direction (§6.1) and does not send to a party that takes nothing", () => {
    const hold = answerOffer(offer(["m=audio 4000 RTP/AVP 0", "a=sendonly"]), local());
    assert.equal(parse(hold.sdp).media[0]?.direction, "recvonly");
    assert.deepEqual([hold.remote.sends, hold.remote.receives], [true, false]);
    const listen = answerOffer(offer(["m=audio 4000 RTP/AVP 0", "a=recvonly"]), local());
    assert.equal(parse(listen.sdp).media[0]?.direction, "sendonly");
    assert.deepEqual([listen.remote.sends, listen.remote.receives], [false, true]);
    const old = answerOffer(offer(["m=audio 4000 RTP/AVP 0"]).replace("c=IN IP4 198.51.100.7", "c=IN IP4 0.0.0.0"), local());
    assert.equal(old.remote.receives, false, "RFC 2543 hold: no address to send to");
  });

  it("uses static payload types without rtpmap, and refuses offers it cannot use", () => {
    assert.equal(answerOffer(offer(["m=audio 4000 RTP/AVP 0"]), local()).remote.codec, "PCMU");
    const refused = (sdp: string, kind: SdpProblem["kind"]) => assert.throws(() => answerOffer(sdp, local()), (e: unknown) => e instanceof SdpProblem && e.kind === kind);
    refused(offer(["m=audio 4000 RTP/AVP 9", "a=rtpmap:9 G722/8000"]), "no-common-codec");
    refused(offer(["m=audio 4000 RTP/AVP 96", "a=rtpmap:96 PCMU/16000"]), "no-common-codec");
    refused(offer(["m=video 4000 RTP/AVP 96"]), "bad");
    refused(offer(["m=audio 0 RTP/AVP 0"]), "bad");
    refused("v=0\r\n", "bad");
  });

  it("offers every codec it mixes for an offerless join and reads the answer (§7); same session, version up (§8)", () => {
    const ours = local();
    const first = parse(makeOffer(ours));
    assert.equal(first.media[0]?.payloads, "0 8 101");
    const remote = readAnswer(offer(["m=audio 4000 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000"]));
    assert.deepEqual([remote.codec, remote.payloadType, remote.telephoneEventPt], ["PCMA", 8, 101]);
    assert.throws(() => readAnswer(offer(["m=audio 0 RTP/AVP 0"])), (e: unknown) => e instanceof SdpProblem && e.kind === "no-common-codec");
    assert.throws(() => readAnswer(offer(["m=audio 4000 RTP/AVP 96", "a=rtpmap:96 PCMU/8000"])), (e: unknown) => e instanceof SdpProblem && /96 was not offered/.test(e.message));
    const second = parse(answerOffer(offer(["m=audio 4000 RTP/AVP 0"]), ours).sdp);
    assert.equal(second.origin?.sessionId, first.origin?.sessionId);
    assert.equal(Number(second.origin?.sessionVersion), Number(first.origin?.sessionVersion) + 1);
  });
});
