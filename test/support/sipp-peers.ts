/**
 * The sipp roles the end-to-end call rigs share: the PBX trunk delivering a customer call to Tandem, and a
 * sipp UAS (agent phones, far ends) on a fixed port. One place, so every rig runs sipp the same way.
 */
import { freePort } from "./free-port.js";
import { runSipp, type SippResult } from "./sipp.js";

export interface CustomerCallOptions {
  calls?: number;
  /** Calls per second; with it, at most `limit` (default: `calls`) run at once. */
  rate?: number;
  limit?: number;
  timeoutS?: number;
  /** How long sipp holds each answered call (-d), ms. */
  durationMs?: number;
  transport?: "u1" | "t1";
  extraArgs?: string[];
}

/** The PBX sending a customer call to `dn` at Tandem's `port` from a fresh local port; resolves when sipp exits. */
export async function customerCall(port: number, scenario: string, dn: string, options: CustomerCallOptions = {}): Promise<SippResult> {
  const calls = options.calls ?? 1;
  return runSipp({
    scenario,
    remote: `127.0.0.1:${port}`,
    localPort: await freePort(),
    service: dn,
    transport: options.transport ?? "u1",
    calls,
    ...(options.rate === undefined ? {} : { rate: options.rate, limit: options.limit ?? calls }),
    timeoutS: options.timeoutS ?? 20,
    extraArgs: ["-d", String(options.durationMs ?? 300), ...(options.extraArgs ?? [])],
  });
}

export interface UasOptions {
  calls?: number;
  durationMs?: number;
  timeoutS?: number;
}

/** A sipp UAS on `port` (the trunk's contact or another far end); each call resolves when that sipp exits. */
export function sippUas(port: number): (scenario: string, options?: UasOptions) => Promise<SippResult> {
  return (scenario, options = {}) =>
    runSipp({
      scenario,
      localPort: port,
      calls: options.calls ?? 1,
      timeoutS: options.timeoutS ?? 20,
      extraArgs: ["-d", String(options.durationMs ?? 300)],
    });
}
