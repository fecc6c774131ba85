/**
 * Checks incoming messages against the published `schemas/requests.schema.json` with ajv: JSON first,
 * then the request name, then that request's own schema, so the EventError names the exact problem.
 */
import { readFileSync } from "node:fs";
import type { TandemError } from "@tandem/sdk";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import { DesktopErrors } from "./errors.js";
import type { DesktopRequest } from "./protocol.js";

/** The published schema files (same relative place from `src/` and `dist/`). */
export const REQUESTS_SCHEMA_URL = new URL("../schemas/requests.schema.json", import.meta.url);
export const EVENTS_SCHEMA_URL = new URL("../schemas/events.schema.json", import.meta.url);

/** What checking a message gives: the request, or the error plus whatever could be read (to echo referenceId). */
export type CheckOutcome =
  | { ok: true; request: DesktopRequest }
  | { ok: false; error: TandemError; partial: Record<string, unknown> };

interface RequestsSchema {
  $id: string;
  properties: { request: { enum: string[] } };
  $defs: Record<string, unknown>;
}

export class RequestValidator {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly maxBytes: number) {
    const schema = JSON.parse(readFileSync(REQUESTS_SCHEMA_URL, "utf8")) as RequestsSchema;
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    ajv.addSchema(schema);
    for (const name of schema.properties.request.enum) {
      // Every request has an entry of its own now that no name is reserved; a missing one throws below.
      const ref = schema.$defs[name] === undefined ? "ReservedRequest" : name;
      const validate = ajv.getSchema(`${schema.$id}#/$defs/${ref}`);
      if (!validate) throw new Error(`requests.schema.json has no $defs/${ref}`);
      this.validators.set(name, validate);
    }
  }

  /** Checks one text frame (WebSocket). */
  checkText(text: string): CheckOutcome {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes > this.maxBytes) return { ok: false, error: DesktopErrors.tooLarge(bytes, this.maxBytes), partial: {} };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, error: DesktopErrors.badJson(err instanceof Error ? err.message : String(err)), partial: {} };
    }
    return this.check(value);
  }

  /** Checks a parsed message (HTTP body or parsed frame). */
  check(value: unknown): CheckOutcome {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { ok: false, error: DesktopErrors.requestInvalid("message", "must be a JSON object"), partial: {} };
    }
    const partial = value as Record<string, unknown>;
    const name = partial["request"];
    if (typeof name !== "string") {
      return { ok: false, error: DesktopErrors.requestInvalid("message", "must have a string property 'request'"), partial };
    }
    const validate = this.validators.get(name);
    if (!validate) return { ok: false, error: DesktopErrors.unknownRequest(JSON.stringify(name).slice(0, 80)), partial };
    if (!validate(value)) return { ok: false, error: DesktopErrors.requestInvalid(name, describe(validate.errors)), partial };
    return { ok: true, request: value as DesktopRequest };
  }
}

/** One readable line from ajv's first error: `/dn must be string`, `must have required property 'connId'`. */
function describe(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return "does not match the schema";
  if (first.keyword === "additionalProperties") {
    return `unknown property '${String((first.params as { additionalProperty?: unknown }).additionalProperty)}'`;
  }
  const where = first.instancePath === "" ? "" : `${first.instancePath.slice(1).replace(/\//g, ".")} `;
  return `${where}${first.message ?? "is invalid"}`;
}
