/**
 * Turns ajv's errors into problems a person can act on: the JSON path (`sip.listen[0].port`), what was
 * expected and what was found.
 */
import type { ErrorObject } from "ajv";
import { ConfigErrors } from "./errors.js";
import type { BootProblem } from "./problems.js";

/** `/sip/listen/0/port` → `sip.listen[0].port`; `""` → `(root)`. */
export function toJsonPath(pointer: string, extraKey?: string): string {
  const parts = pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (extraKey !== undefined) parts.push(extraKey);
  let out = "";
  for (const part of parts) {
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out === "" ? "(root)" : out;
}

/** A short rendering of a value with its JSON type: `string "5060"`, `number 70000`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object") return "an object";
  const text = JSON.stringify(value);
  return `${typeof value} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function expectation(error: ErrorObject): { key?: string; expected: string; found?: string } {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const known = Object.keys((error.parentSchema?.["properties"] ?? {}) as object).filter((k) => k !== "$schema");
      const expected = known.length > 0 ? `one of the known keys (${known.join(", ")})` : "no keys here";
      return { key: String(p["additionalProperty"]), expected, found: "an unknown key" };
    }
    case "required":
      return { key: String(p["missingProperty"]), expected: "this required key", found: "nothing" };
    case "type":
      return { expected: `a value of type ${String(p["type"])}` };
    case "enum":
      return { expected: `one of ${(p["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    case "const":
      return { expected: JSON.stringify(p["allowedValue"]) };
    case "pattern":
      return { expected: `a string matching /${String(p["pattern"])}/` };
    case "format":
      return { expected: `a ${String(p["format"])}` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { expected: `a number ${String(p["comparison"])} ${String(p["limit"])}` };
    case "minLength":
      return { expected: `a string of at least ${String(p["limit"])} characters` };
    case "maxLength":
      return { expected: `a string of at most ${String(p["limit"])} characters` };
    case "minItems":
      return { expected: `at least ${String(p["limit"])} item(s)` };
    case "maxItems":
      return { expected: `at most ${String(p["limit"])} item(s)` };
    case "propertyNames":
      return { key: String(p["propertyName"]), expected: "a kebab-case plugin id", found: `key ${JSON.stringify(p["propertyName"])}` };
    default:
      return { expected: error.message ?? error.keyword };
  }
}

/**
 * Maps ajv errors to problems. Drops the umbrella errors that only repeat their children
 * (`if`, and `propertyNames`' inner `pattern`).
 */
export function formatAjvErrors(errors: readonly ErrorObject[]): BootProblem[] {
  const problems: BootProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === "if") continue;
    if (error.propertyName !== undefined && error.keyword !== "propertyNames") continue;
    const { key, expected, found } = expectation(error);
    const path = toJsonPath(error.instancePath, key);
    const foundText = found ?? describeValue(error.data);
    const id = `${path}|${expected}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const err = ConfigErrors.schema(path, expected, foundText);
    problems.push({ code: err.code, path, message: err.message, expected, found: foundText });
  }
  return problems;
}
