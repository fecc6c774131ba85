/**
 * Which first-party plugin declares each of its DN options, so an option whose plugin is not enabled is refused
 * with a pointer to that plugin rather than as a typo. The core imports no plugin, so this is a plain table;
 * `test/registry/dn-option-owners.test.ts` keeps it equal to the built-in plugins' `manifest.dnOptions`.
 */
export const FIRST_PARTY_DN_OPTIONS: Readonly<Record<string, string>> = {
  presence: "presence",
  "presence-closed-on-the-phone": "presence",
  queues: "routing",
  skills: "routing",
  "oos-check": "trunk-selection",
  "oos-force": "trunk-selection",
  trunks: "trunk-selection",
  strategy: "trunk-selection",
  "hold-down": "trunk-selection",
  "trunk-group": "trunk-selection",
};
