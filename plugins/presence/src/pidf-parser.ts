/**
 * PIDF (RFC 3863) with the data model (RFC 4479) and RPID activities (RFC 4480), as CUCM sends them:
 * `basic` may sit in tuples and in `dm:person`; activities may sit in `dm:person` and in a tuple's `status`,
 * in the RPID namespace, the older `pidf:status:rpid` namespace CUCM 7 uses, or Cisco's own namespace.
 * Elements are matched by namespace URI, so any prefix choice parses the same.
 */
import { PresenceErrors } from "./errors.js";
import { childrenNamed, descendantsNamed, parseXmlTree, type XmlElement } from "./xml-tree.js";

export const NS_PIDF = "urn:ietf:params:xml:ns:pidf";
export const NS_DATA_MODEL = "urn:ietf:params:xml:ns:pidf:data-model";
export const NS_RPID = "urn:ietf:params:xml:ns:pidf:rpid";
/** Pre-RFC 4480 RPID namespace, seen in the CUCM 7.0 capture (domain.md §2.3). */
export const NS_RPID_STATUS = "urn:ietf:params:xml:ns:pidf:status:rpid";
export const NS_CISCO_RPID = "urn:cisco:params:xml:ns:pidf:rpid";

const PIDF = new Set([NS_PIDF]);
const DATA_MODEL = new Set([NS_DATA_MODEL]);
const ACTIVITY_NS = new Set([NS_RPID, NS_RPID_STATUS, NS_CISCO_RPID]);

/** RPID children of `<activities>` that are not activities (RFC 4480 §3.2 allows notes beside them). */
const NOT_ACTIVITIES = new Set(["note", "description"]);

export type BasicStatus = "open" | "closed";

/** What one PIDF document says about one presentity. */
export interface ParsedPresence {
  readonly entity: string | undefined;
  /** `open` when any tuple or person says open (RFC 3863 §4.1.4 aggregation), else `closed`. */
  readonly basic: BasicStatus;
  /** Activity names (local names, e.g. `on-the-phone`), person first then tuples, without duplicates. */
  readonly activities: readonly string[];
}

/** Outcome of {@link parsePidf}: the error code is one of `PresenceErrors`. */
export type PidfResult = { ok: true; presence: ParsedPresence } | { ok: false; code: string; reason: string };

/** Parses a PIDF body. Never throws. */
export function parsePidf(body: string, maxBytes: number): PidfResult {
  const size = Buffer.byteLength(body, "utf8");
  if (size > maxBytes) return fail(PresenceErrors.bodyTooLarge(size, maxBytes));
  const tree = parseXmlTree(body);
  if (!tree.ok) return fail(PresenceErrors.notXml(tree.reason));
  const root = tree.root;
  if (root.local !== "presence" || root.ns !== NS_PIDF) {
    return fail(PresenceErrors.wrongNamespace(`{${root.ns ?? ""}}${root.local}`, NS_PIDF));
  }
  const tuples = childrenNamed(root, PIDF, "tuple");
  const persons = childrenNamed(root, DATA_MODEL, "person");
  const basics = [...tuples, ...persons].flatMap(basicOf);
  if (basics.length === 0) return fail(PresenceErrors.missingBasic());
  const activities = new Set<string>();
  for (const holder of [...persons, ...tuples]) for (const name of activitiesOf(holder)) activities.add(name);
  return {
    ok: true,
    presence: {
      entity: root.attrs.entity,
      basic: basics.includes("open") ? "open" : "closed",
      activities: [...activities],
    },
  };
}

function fail(err: { code: string; message: string }): PidfResult {
  return { ok: false, code: err.code, reason: err.message };
}

/** `status/basic` values of a tuple or person that are valid RFC 3863 §4.1.4 tokens. */
function basicOf(holder: XmlElement): BasicStatus[] {
  const values: BasicStatus[] = [];
  for (const status of childrenNamed(holder, PIDF, "status")) {
    for (const basic of childrenNamed(status, PIDF, "basic")) {
      const value = basic.text.toLowerCase();
      if (value === "open" || value === "closed") values.push(value);
    }
  }
  return values;
}

/** Activity names inside any `<activities>` element of a person or tuple (RFC 4480 §3.2). */
function activitiesOf(holder: XmlElement): string[] {
  const names: string[] = [];
  for (const list of descendantsNamed(holder, ACTIVITY_NS, "activities")) {
    for (const activity of list.children) {
      if (activity.ns === undefined || !ACTIVITY_NS.has(activity.ns) || NOT_ACTIVITIES.has(activity.local)) continue;
      // RFC 4480 §3.2: <other> carries free text; that text is the most useful reason code.
      names.push(activity.local === "other" && activity.text !== "" ? activity.text : activity.local);
    }
  }
  return names;
}
