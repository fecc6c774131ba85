/**
 * The one validator of DN input: config sync, the SDK `upsert` and the admin API all ask it. It is compiled
 * by ajv from `dnEntrySchema` with the core's options and the enabled plugins' `dnOptions` (the same schema
 * `config.schema.json` publishes), and turns ajv's findings into the registry's coded errors.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { AGENT_DN_TYPES, DN_TYPES, TandemError, type DnInput, type DnType, type JsonSchema, type PluginManifest } from "@tandem/sdk";
import { dnEntrySchema, mergedDnOptions } from "./dn-schema.js";
import { RegistryErrors } from "./errors.js";
import { FIRST_PARTY_DN_OPTIONS } from "./first-party-dn-options.js";

/** True for DN types that carry agent state. */
export function isAgentType(type: DnType): boolean {
  return AGENT_DN_TYPES.includes(type);
}

/** One problem of a DN input: the field (`number`, `type`, or the option's name), its coded error, what was expected. */
export interface DnProblem {
  readonly field: string;
  readonly error: TandemError;
  readonly expected: string;
  /** The value found at `field` (undefined when missing). */
  readonly found: unknown;
}

/** Keys of the flat entry that are not options. */
const ENTRY_KEYS = new Set(["number", "type"]);

export class DnValidator {
  /** The options this validator knows (the core's and the enabled plugins'), as `config.schema.json` shows them. */
  readonly options: Readonly<Record<string, JsonSchema>>;
  private readonly check: ValidateFunction;
  private readonly knownKeys: readonly string[];

  /**
   * @param pluginOptions the enabled plugins' `dnOptions`, by plugin id (a clash was already refused by the
   *   plugin checks, so later ones never override earlier ones here)
   */
  constructor(private readonly pluginOptions: ReadonlyArray<{ readonly plugin: string; readonly options: Readonly<Record<string, JsonSchema>> }> = []) {
    this.options = mergedDnOptions(pluginOptions.map((p) => ({ name: p.plugin, dnOptions: p.options })));
    this.knownKeys = ["number", "type", ...Object.keys(this.options)];
    const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
    this.check = ajv.compile(dnEntrySchema(this.options));
  }

  /** The validator for these plugin manifests (the enabled ones). */
  static forManifests(manifests: readonly PluginManifest[]): DnValidator {
    return new DnValidator(manifests.filter((m) => m.dnOptions).map((m) => ({ plugin: m.name, options: m.dnOptions ?? {} })));
  }

  /** Every problem of one flat entry as the config file writes it (`{ number, type, ...options }`). */
  entryProblems(entry: unknown): DnProblem[] {
    if (this.check(entry)) return [];
    const flat = (typeof entry === "object" && entry !== null && !Array.isArray(entry) ? entry : {}) as Record<string, unknown>;
    const number = typeof flat["number"] === "string" ? flat["number"] : JSON.stringify(flat["number"] ?? null);
    const problems: DnProblem[] = [];
    const seen = new Set<string>();
    for (const error of this.check.errors ?? []) {
      const problem = this.toProblem(error, number, flat);
      const id = `${problem.field}|${problem.error.code}`;
      if (seen.has(id)) continue;
      seen.add(id);
      problems.push(problem);
    }
    return problems;
  }

  /** Every problem of a DN input as the API and the SDK give it (`{ number, type, options }`). */
  problems(input: DnInput): DnProblem[] {
    const options: unknown = input.options ?? {};
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      const error = RegistryErrors.optionInvalid(String(input.number), "options", "expected an object");
      return [{ field: "options", error, expected: "an object", found: options }, ...this.entryProblems({ number: input.number, type: input.type })];
    }
    const clashing = Object.keys(options).filter((k) => ENTRY_KEYS.has(k));
    const own = Object.fromEntries(Object.entries(options).filter(([k]) => !ENTRY_KEYS.has(k)));
    const unknown = clashing.map((k) => this.unknownOption(String(input.number), k, (options as Record<string, unknown>)[k]));
    return [...this.entryProblems({ ...own, number: input.number, type: input.type }), ...unknown];
  }

  /** Throws the first problem of a DN input, with every problem as `details` (`{ field, code, message }`). */
  assertValid(input: DnInput, fieldPrefix = ""): void {
    const problems = this.problems(input);
    const first = problems[0];
    if (!first) return;
    const optionsPrefix = (field: string): string => (ENTRY_KEYS.has(field) || field === "options" ? field : `options.${field}`);
    throw new TandemError(first.error.code, first.error.message, {
      httpStatus: first.error.httpStatus ?? 400,
      details: problems.map((p) => ({ field: fieldPrefix + optionsPrefix(p.field), code: p.error.code, message: p.error.message })),
    });
  }

  private toProblem(error: ErrorObject, number: string, flat: Record<string, unknown>): DnProblem {
    const params = error.params as Record<string, unknown>;
    const top = error.instancePath.split("/")[1];
    if (error.instancePath === "" && error.keyword === "additionalProperties") {
      const key = String(params["additionalProperty"]);
      return this.unknownOption(number, key, flat[key]);
    }
    if (error.instancePath === "" && error.keyword === "required") {
      const key = String(params["missingProperty"]);
      return key === "number"
        ? { field: key, error: RegistryErrors.numberInvalid("(missing)"), expected: "this required key", found: undefined }
        : { field: key, error: RegistryErrors.typeInvalid(number, "(missing)", DN_TYPES.join(", ")), expected: "this required key", found: undefined };
    }
    if (top === undefined) {
      return { field: "(entry)", error: RegistryErrors.optionInvalid(number, "(entry)", "expected an object"), expected: "an object", found: error.data };
    }
    const field = top.replace(/~1/g, "/").replace(/~0/g, "~");
    const expected = expectation(error);
    if (field === "number") return { field, error: RegistryErrors.numberInvalid(JSON.stringify(flat["number"])), expected, found: flat["number"] };
    if (field === "type") return { field, error: RegistryErrors.typeInvalid(number, JSON.stringify(flat["type"]), DN_TYPES.join(", ")), expected, found: flat["type"] };
    const where = error.instancePath.split("/").slice(2).map((p) => `[${p}]`).join("");
    return { field, error: RegistryErrors.optionInvalid(number, field + where, `expected ${expected}`), expected, found: flat[field] };
  }

  private unknownOption(number: string, key: string, found: unknown): DnProblem {
    const definers = ["the core", ...this.pluginOptions.filter((p) => Object.keys(p.options).length > 0).map((p) => `plugin ${p.plugin}`)];
    const owner = Object.hasOwn(FIRST_PARTY_DN_OPTIONS, key) ? FIRST_PARTY_DN_OPTIONS[key] : undefined;
    const why = owner === undefined ? "no one defines" : `belongs to plugin ${owner}, which is not enabled`;
    return {
      field: key,
      error: RegistryErrors.optionUnknown(number, key, why, definers.join(", ")),
      expected: `one of the known keys (${this.knownKeys.join(", ")})`,
      found,
    };
  }
}

/** What ajv wanted, in words (`a value of type boolean`, `a number >= 0`, `one of "udp", "tcp", "tls"`). */
function expectation(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      return `a value of type ${String(p["type"])}`;
    case "enum":
      return `one of ${(p["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "pattern":
      return `a string matching /${String(p["pattern"])}/`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return `a number ${String(p["comparison"])} ${String(p["limit"])}`;
    case "minLength":
      return `a string of at least ${String(p["limit"])} characters`;
    default:
      return error.message ?? error.keyword;
  }
}

/** The validator of a registry built without plugins (unit tests, tools): the core's options only. */
export const CORE_DN_VALIDATOR = new DnValidator();
