/**
 * A boot problem: one thing wrong with the config or the enabled plugins. Config validation and the
 * plugin checks both produce these so that a single run reports every problem at once.
 */
import { TandemError } from "@tandem/sdk";
import { ConfigErrors } from "./errors.js";

export interface BootProblem {
  /** The coded error of this one problem (e.g. `TANDEM_ERR_CONFIG_SCHEMA`, `TANDEM_ERR_PLUGIN_CYCLE`). */
  readonly code: string;
  /** JSON path in the config file the problem is about (`sip.listen[0].port`), `(root)` for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
}

/** Turns a coded error into a problem at `path`. */
export function problemFromError(path: string, err: TandemError, extra: Partial<BootProblem> = {}): BootProblem {
  return { code: err.code, path, message: err.message, ...extra };
}

/** One line per problem, for people reading stderr. */
export function formatProblems(problems: readonly BootProblem[]): string {
  return problems.map((p) => `  - ${p.message} [${p.code}]`).join("\n");
}

/** The single error thrown at boot when anything is wrong; `details` holds the problems. */
export function bootProblemsError(problems: readonly BootProblem[]): TandemError {
  const err = ConfigErrors.invalid(problems.length, formatProblems(problems));
  return new TandemError(err.code, err.message, { details: problems });
}
