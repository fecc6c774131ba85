/**
 * Validation of DN input shared by config sync, the SDK `upsert` and the admin API. Only the options the core
 * itself reads are type-checked here; plugins' own options (`manifest.dnOptions`) are validated by the config
 * schema and by the plugins that read them.
 */
import { AGENT_DN_TYPES, DN_TYPES, TandemError, type DnInput, type DnOptions, type DnType } from "@tandem/sdk";
import { RegistryErrors } from "./errors.js";

/** What a DN number may look like (also safe in a URL path segment once encoded). */
export const DN_NUMBER_PATTERN = "^[A-Za-z0-9+*#][A-Za-z0-9+*#._@:-]{0,63}$";
const NUMBER_RE = new RegExp(DN_NUMBER_PATTERN);

type OptionCheck = (value: unknown) => string | undefined;

const isString: OptionCheck = (v) => (typeof v === "string" && v.length > 0 ? undefined : "expected a non-empty string");
const isSipUri: OptionCheck = (v) => (typeof v === "string" && /^sips?:\S+$/.test(v) ? undefined : "expected a sip: or sips: URI");
const isBoolean: OptionCheck = (v) => (typeof v === "boolean" ? undefined : "expected true or false");
const isSeconds: OptionCheck = (v) =>
  typeof v === "number" && Number.isFinite(v) && v >= 0 ? undefined : "expected a number of seconds >= 0";
const listOf =
  (item: OptionCheck): OptionCheck =>
  (v) => {
    if (!Array.isArray(v)) return "expected an array";
    for (const [i, entry] of v.entries()) {
      const problem = item(entry);
      if (problem) return `item ${i}: ${problem}`;
    }
    return undefined;
  };
const oneOf =
  (...allowed: string[]): OptionCheck =>
  (v) =>
    typeof v === "string" && allowed.includes(v) ? undefined : `expected one of ${allowed.join(", ")}`;

/** Options the core knows, with their checks (contracts.md "Config file shape"). */
export const CORE_DN_OPTIONS: Readonly<Record<string, OptionCheck>> = {
  contact: isSipUri,
  "contact-backup": listOf(isSipUri),
  presence: isBoolean,
  queues: listOf(isString),
  "oos-check": isSeconds,
  "oos-force": isSeconds,
  "service-type": isString,
  transport: oneOf("udp", "tcp", "tls"),
  description: (v) => (typeof v === "string" ? undefined : "expected a string"),
};

/** True for DN types that carry agent state. */
export function isAgentType(type: DnType): boolean {
  return AGENT_DN_TYPES.includes(type);
}

/** One problem of a DN input: the field (`number`, `type`, `options.<name>`) and its coded error. */
export interface DnProblem {
  readonly field: string;
  readonly error: TandemError;
}

/** Every problem of one DN input (empty when valid). */
export function dnProblems(input: DnInput): DnProblem[] {
  const problems: DnProblem[] = [];
  const number = typeof input.number === "string" ? input.number : String(input.number);
  if (typeof input.number !== "string" || !NUMBER_RE.test(input.number)) {
    problems.push({ field: "number", error: RegistryErrors.numberInvalid(JSON.stringify(number)) });
  }
  if (!DN_TYPES.includes(input.type)) {
    problems.push({ field: "type", error: RegistryErrors.typeInvalid(number, String(input.type), DN_TYPES.join(", ")) });
  }
  const options: unknown = input.options ?? {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    problems.push({ field: "options", error: RegistryErrors.optionInvalid(number, "options", "expected an object") });
    return problems;
  }
  for (const [key, value] of Object.entries(options as DnOptions)) {
    const problem = CORE_DN_OPTIONS[key]?.(value);
    if (problem) problems.push({ field: `options.${key}`, error: RegistryErrors.optionInvalid(number, key, problem) });
  }
  return problems;
}

/** Throws the first problem of a DN input, with every problem as `details` (`{ field, code, message }`). */
export function assertValidDn(input: DnInput, fieldPrefix = ""): void {
  const problems = dnProblems(input);
  const first = problems[0];
  if (!first) return;
  throw new TandemError(first.error.code, first.error.message, {
    httpStatus: first.error.httpStatus ?? 400,
    details: problems.map((p) => ({ field: fieldPrefix + p.field, code: p.error.code, message: p.error.message })),
  });
}
