/**
 * RFC 7865 recording metadata across a transfer: the snapshot after it (datamode `complete`) names the new agent
 * sending on the agent stream, and keeps the transferring agent under the same participant id with its
 * `disassociate-time` and no stream association (RFC 7865 §6.6), the customer unchanged.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { metadataXml, newMetadata, type MetadataParticipant } from "../../plugins/recording/src/siprec/rs-metadata.js";

const CUSTOMER: MetadataParticipant = { aor: "sip:5550100@tandem.invalid", name: "5550100", side: "customer", since: "2026-01-01T10:00:00.000Z" };
const AGENT_1: MetadataParticipant = { aor: "sip:1001@tandem.invalid", name: "1001", side: "agent", since: "2026-01-01T10:00:00.000Z" };

/** `text` matched literally in a RegExp (base64 ids carry `+` and `/`). */
const literal = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** The participant id the document gives `aor`, and the association elements under that id. */
function participant(xml: string, aor: string): { id: string; session: string; streams: string | undefined } {
  const id = new RegExp(`<participant participant_id="([^"]+)">\\s*<nameID aor="${literal(aor)}">`).exec(xml)?.[1];
  assert.ok(id, `${aor} is a participant`);
  const session = new RegExp(`<participantsessionassoc participant_id="${literal(id)}"[^>]*>([\\s\\S]*?)</participantsessionassoc>`).exec(xml)?.[1];
  assert.ok(session !== undefined, `${aor} is associated with the session`);
  const streams = new RegExp(`<participantstreamassoc participant_id="${literal(id)}">([\\s\\S]*?)</participantstreamassoc>`).exec(xml)?.[1];
  return { id, session, streams };
}

test("after a transfer the metadata names agent 2 on the agent stream and keeps agent 1 disassociated under its id", { timeout: 180_000 }, () => {
  const metadata = newMetadata("conn-1", [CUSTOMER, AGENT_1]);
  const before = metadataXml(metadata);
  metadata.participants = [CUSTOMER, { aor: "sip:1002@tandem.invalid", name: "1002", side: "agent", since: "2026-01-01T10:01:00.000Z" }, { ...AGENT_1, until: "2026-01-01T10:01:00.000Z" }];
  const after = metadataXml(metadata);

  assert.equal(participant(after, "sip:1001@tandem.invalid").id, participant(before, "sip:1001@tandem.invalid").id, "agent 1 keeps its participant id");
  assert.equal(participant(after, "sip:5550100@tandem.invalid").id, participant(before, "sip:5550100@tandem.invalid").id, "so does the customer");
  const agent1 = participant(after, "sip:1001@tandem.invalid");
  assert.match(agent1.session, /<associate-time>2026-01-01T10:00:00.000Z<\/associate-time>\s*<disassociate-time>2026-01-01T10:01:00.000Z<\/disassociate-time>/);
  assert.equal(agent1.streams, undefined, "agent 1 no longer sends or receives");
  assert.equal(participant(before, "sip:1001@tandem.invalid").session.includes("disassociate-time"), false);

  const agent2 = participant(after, "sip:1002@tandem.invalid");
  assert.match(agent2.session, /<associate-time>2026-01-01T10:01:00.000Z<\/associate-time>\s*$/);
  assert.equal(agent2.streams?.match(/<send>([^<]+)<\/send>/)?.[1], metadata.streams.agent, "agent 2 sends on the agent stream (label 2)");
  assert.equal(agent2.streams?.match(/<recv>([^<]+)<\/recv>/)?.[1], metadata.streams.customer);
  assert.equal(participant(after, "sip:5550100@tandem.invalid").streams?.match(/<send>([^<]+)<\/send>/)?.[1], metadata.streams.customer);
});
