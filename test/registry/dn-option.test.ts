/**
 * The SDK's typed DN options: a reader gives the DN's value with its type, or undefined when the DN does not
 * set it or sets something of another shape; and for every option the core and the built-in plugins declare,
 * the reader admits exactly what the schema the validator compiles admits.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Ajv2020 } from "ajv/dist/2020.js";
import { CORE_DN_OPTION_LIST, DN_TRANSPORT, dnOption, dnOptionSchemas, type DnOption } from "@tandem/sdk";
import { DN_OPTION_CLOSED_ON_THE_PHONE, DN_OPTION_PRESENCE } from "../../plugins/presence/src/manifest.js";
import { DN_OPTION_QUEUES, DN_OPTION_SKILLS } from "../../plugins/routing/src/manifest.js";
import * as trunkSelection from "../../plugins/trunk-selection/src/manifest.js";

const TRUNK_OPTIONS = [
  trunkSelection.DN_OPTION_OOS_CHECK,
  trunkSelection.DN_OPTION_OOS_FORCE,
  trunkSelection.DN_OPTION_TRUNKS,
  trunkSelection.DN_OPTION_STRATEGY,
  trunkSelection.DN_OPTION_HOLD_DOWN,
  trunkSelection.DN_OPTION_TRUNK_GROUP,
];
const DECLARED: ReadonlyArray<DnOption<unknown>> = [
  ...CORE_DN_OPTION_LIST,
  DN_OPTION_PRESENCE,
  DN_OPTION_CLOSED_ON_THE_PHONE,
  DN_OPTION_QUEUES,
  DN_OPTION_SKILLS,
  ...TRUNK_OPTIONS,
];

/** Values of every shape, the valid ones of each option among them. */
const SAMPLES: readonly unknown[] = [
  true, false, 0, 0.2, 1.5, 30, -1, Number.NaN, "", "x", "sip:10.0.0.5", "sips:pbx", "http://x", "udp", "tcp", "tls", "sctp",
  "busy", "logout", "maybe", "round-robin", "primary-backup", [], ["sales"], [""], ["sip:10.0.0.6"], ["a", 1], [null], null, {}, { a: 1 },
];

test("read gives the value typed, undefined when unset or of another shape; isSet sees any value", { timeout: 180_000 }, () => {
  const dn = { options: { presence: true, queues: ["sales", "support"], "oos-check": 0.2, transport: "tcp", "hold-down": "soon" } };
  const watched: boolean | undefined = DN_OPTION_PRESENCE.read(dn);
  assert.equal(watched, true);
  assert.deepEqual(DN_OPTION_QUEUES.read(dn), ["sales", "support"]);
  assert.equal(trunkSelection.DN_OPTION_OOS_CHECK.read(dn), 0.2);
  assert.equal(DN_TRANSPORT.read(dn), "tcp");
  assert.equal(trunkSelection.DN_OPTION_HOLD_DOWN.read(dn), undefined, "a string where seconds belong reads as unset");
  assert.equal(trunkSelection.DN_OPTION_HOLD_DOWN.isSet(dn), true);
  assert.equal(DN_OPTION_SKILLS.read(dn), undefined);
  assert.equal(DN_OPTION_SKILLS.isSet(dn), false);
  assert.equal(DN_OPTION_PRESENCE.read(undefined), undefined, "no DN at all");
});

test("dnOptionSchemas is the manifest's dnOptions: each option's schema by name", { timeout: 180_000 }, () => {
  const flag = dnOption.flag("wallboard", "Show on the wallboard");
  const group = dnOption.oneOf("wallboard-size", ["small", "large"], "Tile size");
  assert.deepEqual(dnOptionSchemas([flag, group]), {
    wallboard: { type: "boolean", description: "Show on the wallboard" },
    "wallboard-size": { enum: ["small", "large"], description: "Tile size" },
  });
});

test("for every declared option, the reader admits exactly what its schema admits", { timeout: 180_000 }, () => {
  const ajv = new Ajv2020({ strict: false });
  for (const option of DECLARED) {
    const valid = ajv.compile(option.schema);
    for (const value of SAMPLES) {
      const read = option.read({ options: { [option.name]: value } });
      assert.equal(read !== undefined, valid(value), `${option.name} = ${JSON.stringify(value)}`);
    }
  }
});
