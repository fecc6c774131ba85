/**
 * The recording session's bodies. The offer (RFC 7866 §8.1.1): one SDP with two `sendonly` audio streams, one per
 * side, each with `a=label` (RFC 4574) that the metadata's streams name, made of the two room parties' own
 * offers; sent with the metadata as `multipart/mixed` (RFC 5621), the metadata part with
 * `Content-Disposition: recording-session`. The SRS's answer is split back into one SDP per room party.
 */
import { randomBytes } from "node:crypto";
import { parse, write, type SessionDescription } from "sdp-transform";

export const METADATA_TYPE = "application/rs-metadata+xml";

/** Labels of the streams: 1 the customer side, 2 the agent side. */
export const LABELS = { customer: "1", agent: "2" } as const;

/** One SDP of the two parties' offers (each its own m-line, connection and codecs), both sendonly and labelled. */
export function recordingOffer(customerSdp: string, agentSdp: string, version: number): string {
  const first = parse(customerSdp);
  const second = parse(agentSdp);
  const media = [
    { ...oneMedia(first), label: LABELS.customer },
    { ...oneMedia(second), label: LABELS.agent },
  ].map(({ media: m, connection, label }) => ({ ...m, direction: "sendonly" as const, label, ...(connection ? { connection } : {}) }));
  const session: SessionDescription = {
    version: 0,
    origin: { username: "tandem-src", sessionId: first.origin?.sessionId ?? Date.now(), sessionVersion: version, netType: "IN", ipVer: 4, address: first.origin?.address ?? "127.0.0.1" },
    name: "SIPREC",
    timing: { start: 0, stop: 0 },
    media,
  };
  return write(session);
}

function oneMedia(sdp: SessionDescription): { media: SessionDescription["media"][number]; connection: SessionDescription["connection"] } {
  const media = sdp.media[0];
  if (!media) throw new Error("a room party's SDP has no m-line");
  return { media, connection: media.connection ?? sdp.connection };
}

/** The SRS's answer as one SDP per side, found by label (or by position when it has none). */
export function splitAnswer(answer: string): { customer: string; agent: string } {
  const sdp = parse(answer);
  const byLabel = (label: string, index: number) => sdp.media.find((m) => String(m.label ?? "") === label) ?? sdp.media[index];
  const part = (label: string, index: number): string => {
    const media = byLabel(label, index);
    if (!media || media.port === 0) throw new Error(`the SRS refused stream ${label}`);
    const { label: _label, ...rest } = media;
    return write({ ...sdp, media: [{ ...rest, ...(media.connection ?? sdp.connection ? { connection: media.connection ?? sdp.connection } : {}) }] });
  };
  return { customer: part(LABELS.customer, 0), agent: part(LABELS.agent, 1) };
}

/** The multipart/mixed body: the SDP, then the metadata (RFC 7866 §8, RFC 5621 §3). */
export function multipartBody(sdp: string, metadata: string): { contentType: string; content: string } {
  const boundary = `tandem-${randomBytes(8).toString("hex")}`;
  const content = [
    `--${boundary}`,
    "Content-Type: application/sdp",
    "",
    sdp.trimEnd(),
    `--${boundary}`,
    `Content-Type: ${METADATA_TYPE}`,
    "Content-Disposition: recording-session",
    "",
    metadata.trimEnd(),
    `--${boundary}--`,
    "",
  ].join("\r\n");
  return { contentType: `multipart/mixed;boundary=${boundary}`, content };
}
