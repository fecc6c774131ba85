/** dnContacts: the one reading of `contact` / `contact-backup` the core and the plugins share. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { dnContacts } from "@tandem/sdk";
import { CORE_DN_VALIDATOR } from "../../core/src/registry/dn-validation.js";

test("contact first, then each contact-backup in order", { timeout: 180_000 }, () => {
  const dn = { options: { contact: "sip:10.0.0.5:5060", "contact-backup": ["sip:10.0.0.6:5060", "sips:10.0.0.7"] } };
  assert.deepEqual(dnContacts(dn), {
    contact: "sip:10.0.0.5:5060",
    backups: ["sip:10.0.0.6:5060", "sips:10.0.0.7"],
    all: ["sip:10.0.0.5:5060", "sip:10.0.0.6:5060", "sips:10.0.0.7"],
    transport: undefined,
  });
});

test("the transport to reach them: the DN's transport option when it is udp, tcp or tls", { timeout: 180_000 }, () => {
  assert.equal(dnContacts({ options: { contact: "sip:10.0.0.5", transport: "tcp" } }).transport, "tcp");
  assert.equal(dnContacts({ options: { contact: "sip:10.0.0.5", transport: "sctp" } }).transport, undefined);
  assert.equal(dnContacts({ options: { contact: "sip:10.0.0.5" } }).transport, undefined);
});

test("a DN without contact has only its backups; one with neither has none", { timeout: 180_000 }, () => {
  assert.deepEqual(dnContacts({ options: { "contact-backup": ["sip:10.0.0.6"] } }).all, ["sip:10.0.0.6"]);
  assert.equal(dnContacts({ options: { "contact-backup": ["sip:10.0.0.6"] } }).contact, undefined);
  assert.deepEqual(dnContacts({ options: {} }), { contact: undefined, backups: [], all: [], transport: undefined });
});

test("a comma list never reaches it: the DN validator refuses contact-backup that is not an array", { timeout: 180_000 }, () => {
  const input = { number: "cucm", type: "VoipService" as const, options: { contact: "sip:10.0.0.5", "contact-backup": "sip:10.0.0.6,sip:10.0.0.7" } };
  assert.deepEqual(
    CORE_DN_VALIDATOR.problems(input).map((p) => [p.field, p.error.code]),
    [["contact-backup", "TANDEM_ERR_DN_OPTION_INVALID"]],
  );
});
