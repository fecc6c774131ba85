/**
 * A small namespace-aware element tree over fast-xml-parser's ordered output. fast-xml-parser keeps
 * qualified names as written (`e:activities`); PIDF consumers must match elements by namespace URI, not by
 * prefix (Namespaces in XML 1.0 §6), so this walk resolves every prefix against the `xmlns` declarations in
 * scope and refuses undeclared prefixes.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

/** An element with its namespace resolved. */
export interface XmlElement {
  /** Namespace URI; undefined when the element is in no namespace. */
  readonly ns: string | undefined;
  readonly local: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** Concatenated direct text content, trimmed. */
  readonly text: string;
}

/** Outcome of {@link parseXmlTree}. */
export type XmlTreeResult = { ok: true; root: XmlElement } | { ok: false; reason: string };

/** Deep enough for any PIDF document (presence/tuple/status/activities/activity is 5). */
const MAX_DEPTH = 32;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseTagValue: false,
  parseAttributeValue: false,
  // PIDF never needs DTD entities; not expanding them keeps entity-expansion bombs harmless.
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: true,
});

type OrderedNode = Record<string, unknown>;

/** Parses `xml` into one root element with namespaces resolved. */
export function parseXmlTree(xml: string): XmlTreeResult {
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, reason: "DOCTYPE is not allowed in PIDF" };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, reason: `${valid.err.msg} (line ${valid.err.line}, col ${valid.err.col})` };
  let nodes: unknown;
  try {
    nodes = parser.parse(xml);
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
  const elements = Array.isArray(nodes) ? nodes.filter((n): n is OrderedNode => elementName(n) !== undefined) : [];
  const first = elements[0];
  if (elements.length !== 1 || first === undefined) return { ok: false, reason: "expected exactly one root element" };
  try {
    return { ok: true, root: toElement(first, new Map(), 0) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/** The qualified name of an ordered node, or undefined for text and comment nodes. */
function elementName(node: unknown): string | undefined {
  if (typeof node !== "object" || node === null) return undefined;
  for (const key of Object.keys(node)) if (key !== ":@" && !key.startsWith("#")) return key;
  return undefined;
}

function toElement(node: OrderedNode, parentScope: ReadonlyMap<string, string>, depth: number): XmlElement {
  if (depth > MAX_DEPTH) throw new Error(`elements nested deeper than ${MAX_DEPTH}`);
  const qname = elementName(node) ?? "";
  const rawAttrs = (node[":@"] ?? {}) as Record<string, unknown>;
  const scope = withDeclarations(parentScope, rawAttrs);
  const { prefix, local } = splitName(qname);
  const ns = scope.get(prefix);
  if (prefix !== "" && ns === undefined) throw new Error(`undeclared namespace prefix "${prefix}" on <${qname}>`);
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawAttrs)) if (!isDeclaration(name)) attrs[name] = String(value);
  const children: XmlElement[] = [];
  const texts: string[] = [];
  const content = node[qname];
  for (const child of Array.isArray(content) ? content : []) {
    if (elementName(child) !== undefined) children.push(toElement(child as OrderedNode, scope, depth + 1));
    else if (typeof child === "object" && child !== null && "#text" in child) texts.push(String((child as OrderedNode)["#text"]));
  }
  return { ns: ns === "" ? undefined : ns, local, attrs, children, text: texts.join("").trim() };
}

function withDeclarations(parent: ReadonlyMap<string, string>, attrs: Record<string, unknown>): ReadonlyMap<string, string> {
  let scope: Map<string, string> | undefined;
  for (const [name, value] of Object.entries(attrs)) {
    if (!isDeclaration(name)) continue;
    scope ??= new Map(parent);
    scope.set(name === "xmlns" ? "" : name.slice("xmlns:".length), String(value));
  }
  return scope ?? parent;
}

function isDeclaration(attr: string): boolean {
  return attr === "xmlns" || attr.startsWith("xmlns:");
}

function splitName(qname: string): { prefix: string; local: string } {
  const colon = qname.indexOf(":");
  return colon < 0 ? { prefix: "", local: qname } : { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) };
}

/** Direct children of `el` with namespace `ns` and local name `local`. */
export function childrenNamed(el: XmlElement, ns: ReadonlySet<string>, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local && c.ns !== undefined && ns.has(c.ns));
}

/** Every descendant of `el` (not `el` itself) with local name `local` in one of the namespaces `ns`. */
export function descendantsNamed(el: XmlElement, ns: ReadonlySet<string>, local: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (node: XmlElement): void => {
    for (const child of node.children) {
      if (child.local === local && child.ns !== undefined && ns.has(child.ns)) found.push(child);
      else walk(child);
    }
  };
  walk(el);
  return found;
}
