/**
 * Recording metadata (RFC 7865, `application/rs-metadata+xml`): the communication session, its participants, the
 * two streams (one per side, labelled as in the SDP, RFC 4574) and who sends and receives which. Identifiers are
 * base64 of a UUID (RFC 7865 §6.9). `datamode` is `complete`: each update (a re-INVITE after a transfer or a party
 * leaving) carries the whole picture again — a participant that left (a transferring agent) stays listed under the
 * same id with its `disassociate-time` and no streams (RFC 7865 §6.6).
 */
import { randomUUID } from "node:crypto";

export interface MetadataParticipant {
  /** The participant's AOR (`sip:<number>@<host>`). */
  readonly aor: string;
  readonly name: string;
  /** Which stream the participant sends on: the customer side's or the agent side's. */
  readonly side: "customer" | "agent";
  /** When it joined the recorded call (ISO); the time of the snapshot when absent. */
  readonly since?: string;
  /** When it left the recorded call (ISO), for a participant no longer on it. */
  readonly until?: string;
}

export interface RecordingMetadata {
  readonly groupId: string;
  readonly sessionId: string;
  /** The recorded call's identity (its ConnID), as the session's SIP session id. */
  readonly sipSessionId: string;
  readonly startTime: string;
  /** Stream ids per side; labels 1 (customer) and 2 (agent). */
  readonly streams: { readonly customer: string; readonly agent: string };
  participants: MetadataParticipant[];
}

/** An RFC 7865 identifier: a fresh UUID's 16 bytes in base64. */
export function metadataId(): string {
  return Buffer.from(randomUUID().replace(/-/g, ""), "hex").toString("base64");
}

export function newMetadata(sipSessionId: string, participants: MetadataParticipant[]): RecordingMetadata {
  return {
    groupId: metadataId(),
    sessionId: metadataId(),
    sipSessionId,
    startTime: new Date().toISOString(),
    streams: { customer: metadataId(), agent: metadataId() },
    participants,
  };
}

const escape = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The XML document (RFC 7865 §9 schema, namespace `urn:ietf:params:xml:ns:recording:1`). */
export function metadataXml(m: RecordingMetadata): string {
  const at = new Date().toISOString();
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<recording xmlns="urn:ietf:params:xml:ns:recording:1">`,
    `  <datamode>complete</datamode>`,
    `  <group group_id="${m.groupId}">`,
    `    <associate-time>${m.startTime}</associate-time>`,
    `  </group>`,
    `  <session session_id="${m.sessionId}">`,
    `    <group-ref>${m.groupId}</group-ref>`,
    `    <sipSessionID>${escape(m.sipSessionId)}</sipSessionID>`,
    `    <start-time>${m.startTime}</start-time>`,
    `  </session>`,
  ];
  m.participants.forEach((p, i) => {
    const id = participantId(m, i);
    const send = p.side === "customer" ? m.streams.customer : m.streams.agent;
    const recv = p.side === "customer" ? m.streams.agent : m.streams.customer;
    lines.push(
      `  <participant participant_id="${id}">`,
      `    <nameID aor="${escape(p.aor)}">`,
      `      <name>${escape(p.name)}</name>`,
      `    </nameID>`,
      `  </participant>`,
      `  <participantsessionassoc participant_id="${id}" session_id="${m.sessionId}">`,
      `    <associate-time>${p.since ?? at}</associate-time>`,
      ...(p.until ? [`    <disassociate-time>${p.until}</disassociate-time>`] : []),
      `  </participantsessionassoc>`,
    );
    // One that left sends and receives nothing any more.
    if (!p.until) {
      lines.push(`  <participantstreamassoc participant_id="${id}">`, `    <send>${send}</send>`, `    <recv>${recv}</recv>`, `  </participantstreamassoc>`);
    }
  });
  lines.push(
    `  <stream stream_id="${m.streams.customer}" session_id="${m.sessionId}">`,
    `    <label>1</label>`,
    `  </stream>`,
    `  <stream stream_id="${m.streams.agent}" session_id="${m.sessionId}">`,
    `    <label>2</label>`,
    `  </stream>`,
    `</recording>`,
  );
  return lines.join("\r\n") + "\r\n";
}

/** A participant's id stays the same across updates for the same AOR. */
const ids = new WeakMap<RecordingMetadata, Map<string, string>>();
function participantId(m: RecordingMetadata, index: number): string {
  const p = m.participants[index];
  let byAor = ids.get(m);
  if (!byAor) ids.set(m, (byAor = new Map()));
  const key = `${p?.side}:${p?.aor}`;
  let id = byAor.get(key);
  if (!id) byAor.set(key, (id = metadataId()));
  return id;
}
