/**
 * Applying the config file's `dns[]` to the registry at start: config DNs are upserted (origin `config`), config
 * DNs that left the file are removed, api DNs stay. All entries are validated first and every problem is
 * reported together, so a bad file changes nothing.
 */
import type { DnChange, DnInput, DnRecord } from "@tandem/sdk";
import { TandemError } from "@tandem/sdk";
import type { DnValidator } from "./dn-validation.js";
import { RegistryErrors } from "./errors.js";

/** The write operations the sync needs (the registry's own, so caches stay in step). */
export interface ConfigSyncWriter {
  put(record: DnRecord): void;
  remove(number: string): void;
  transaction(fn: () => void): void;
}

/** Validates, then writes in one transaction; returns the changes to announce. */
export function applyConfigDns(
  inputs: readonly DnInput[],
  current: ReadonlyMap<string, DnRecord>,
  now: string,
  writer: ConfigSyncWriter,
  validator: DnValidator,
): DnChange[] {
  assertValidConfigDns(inputs, validator);
  const changes: DnChange[] = [];
  const wanted = new Set(inputs.map((i) => i.number));
  writer.transaction(() => {
    for (const input of inputs) {
      const existing = current.get(input.number);
      const options = { ...(input.options ?? {}) };
      if (existing && existing.origin === "config" && existing.type === input.type && sameJson(existing.options, options)) continue;
      const record: DnRecord = {
        number: input.number,
        type: input.type,
        options,
        origin: "config",
        createdAt: existing?.createdAt ?? now,
        updatedAt: now,
      };
      writer.put(record);
      changes.push({ kind: existing ? "updated" : "added", dn: record });
    }
    for (const dn of [...current.values()]) {
      if (dn.origin !== "config" || wanted.has(dn.number)) continue;
      writer.remove(dn.number);
      changes.push({ kind: "removed", dn });
    }
  });
  return changes;
}

function assertValidConfigDns(inputs: readonly DnInput[], validator: DnValidator): void {
  const problems: TandemError[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    problems.push(...validator.problems(input).map((p) => p.error));
    if (seen.has(input.number)) problems.push(RegistryErrors.duplicate(input.number));
    seen.add(input.number);
  }
  if (problems.length === 0) return;
  const summary = RegistryErrors.configInvalid(problems.length, problems.map((p) => p.message).join("; "));
  throw new TandemError(summary.code, summary.message, {
    httpStatus: 400,
    details: problems.map((p) => ({ code: p.code, message: p.message })),
  });
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}
