/**
 * Coded errors. Every package keeps one registry of `TANDEM_ERR_<AREA>_<WHAT>` codes made with
 * {@link defineError}; `docs/errors.md` lists them all and a test keeps that table in sync.
 */

/** What a coded error carries besides its message. */
export interface ErrorOptions {
  /** SIP status to answer with when this error ends a SIP transaction. */
  sipStatus?: number;
  /** HTTP status to answer with when this error ends an API request. */
  httpStatus?: number;
}

/** One entry of the error registry. */
export interface ErrorDefinition extends ErrorOptions {
  readonly code: string;
  /** Message template; each `%s` is filled by one argument of the factory, in order. */
  readonly template: string;
}

/** An error with a stable code that operators can look up in `docs/errors.md`. */
export class TandemError extends Error {
  readonly code: string;
  readonly sipStatus: number | undefined;
  readonly httpStatus: number | undefined;
  /** Machine-readable detail (e.g. a list of config errors). */
  readonly details: unknown;

  constructor(code: string, message: string, options: ErrorOptions & { details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TandemError";
    this.code = code;
    this.sipStatus = options.sipStatus;
    this.httpStatus = options.httpStatus;
    this.details = options.details;
  }
}

/** Where a SIP failure came from: the peer answered, or no answer came, or the transport failed. */
export type SipFailureOrigin = "remote" | "timeout" | "transport";

/**
 * A negative SIP outcome, as a value that travels through promises (after drachtio's `SipError`).
 * A peer's final response has origin `remote`; a request that got no answer in 64·T1 is `408`/`timeout`;
 * a connection that could not be made or broke is `503`/`transport` (RFC 3261 §8.1.3.1).
 */
export class SipError extends TandemError {
  readonly status: number;
  readonly reason: string;
  readonly origin: SipFailureOrigin;
  /** Seconds from a `Retry-After` header of the response, when present. */
  readonly retryAfter: number | undefined;

  constructor(status: number, reason = "", options: { origin?: SipFailureOrigin; retryAfter?: number; cause?: unknown } = {}) {
    super("TANDEM_ERR_SIP_FINAL_RESPONSE", `SIP ${status}${reason ? ` ${reason}` : ""}`, { sipStatus: status, cause: options.cause });
    this.name = "SipError";
    this.status = status;
    this.reason = reason;
    this.origin = options.origin ?? "remote";
    this.retryAfter = options.retryAfter;
  }
}

/** A factory for one coded error; call it with the template's arguments. */
export interface ErrorFactory {
  (...args: Array<string | number>): TandemError;
  readonly code: string;
  readonly definition: ErrorDefinition;
  /** True when `err` was made by this factory (compares codes, so it works across module copies). */
  is(err: unknown): err is TandemError;
}

const registry = new Map<string, ErrorDefinition>();
const CODE_PATTERN = /^TANDEM_ERR_[A-Z0-9]+(?:_[A-Z0-9]+)+$/;

/**
 * Registers a coded error and returns its factory.
 * @throws when the code breaks the `TANDEM_ERR_<AREA>_<WHAT>` pattern or is registered twice with another template.
 */
export function defineError(code: string, template: string, options: ErrorOptions = {}): ErrorFactory {
  if (!CODE_PATTERN.test(code)) throw new Error(`error code ${code} does not match TANDEM_ERR_<AREA>_<WHAT>`);
  const existing = registry.get(code);
  if (existing && existing.template !== template) throw new Error(`error code ${code} is defined twice`);
  const definition: ErrorDefinition = { code, template, ...options };
  registry.set(code, definition);
  const factory = (...args: Array<string | number>): TandemError => {
    let i = 0;
    const message = template.replace(/%s/g, () => String(args[i++] ?? ""));
    return new TandemError(code, message, options);
  };
  return Object.assign(factory, {
    code,
    definition,
    is: (err: unknown): err is TandemError => err instanceof Error && (err as Partial<TandemError>).code === code,
  });
}

/** Every error code registered so far in this process (the docs-table test reads this). */
export function registeredErrors(): ErrorDefinition[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** Error codes of the SDK itself. */
export const SdkErrors = {
  finalResponse: defineError("TANDEM_ERR_SIP_FINAL_RESPONSE", "SIP %s %s"),
  badSdp: defineError("TANDEM_ERR_SIP_BAD_SDP", "cannot %s: %s"),
  invalidHook: defineError("TANDEM_ERR_SDK_HOOK_KIND", "hook %s was declared as %s and cannot be used as %s"),
  extensionPointId: defineError(
    "TANDEM_ERR_SDK_EXTENSION_POINT_ID",
    "extension point id %s is not <owner-plugin>.<name> (lower-case words joined by -)",
  ),
} as const;
