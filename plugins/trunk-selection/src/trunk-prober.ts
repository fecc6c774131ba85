/**
 * Sends SIP OPTIONS (RFC 3261 §11) to every endpoint of a trunk every `oos-check` and feeds the outcome to
 * the endpoint's health machine. One probe per endpoint at a time: while one is unanswered no other is sent,
 * and the machine's `oos-force` timer decides when silence means out of service.
 */
import { SipError, type SipVerbs } from "@tandem/sdk";
import type { ProbeOutcome } from "./health-machine.js";
import type { EndpointRuntime, TrunkState } from "./trunk-state.js";

/** What each probe result is reported to, besides the health machine (metrics, logs). */
export type ProbeObserver = (trunk: TrunkState, endpoint: EndpointRuntime, outcome: ProbeOutcome) => void;

/** SIP errors that are not a peer's answer: our time-out, or a connection that failed (RFC 3261 §8.1.3.1). */
function outcomeOfError(err: unknown): ProbeOutcome {
  if (err instanceof SipError && err.origin === "timeout") return { kind: "timeout" };
  return { kind: "transport", reason: err instanceof Error ? err.message : String(err) };
}

/** Probes one endpoint once. */
export async function probeEndpoint(sip: SipVerbs, trunk: TrunkState, endpoint: EndpointRuntime, observe: ProbeObserver): Promise<void> {
  if (endpoint.pending) return;
  endpoint.pending = true;
  trunk.counters.probes += 1;
  const started = performance.now();
  let outcome: ProbeOutcome;
  try {
    const response = await sip.request({ method: "OPTIONS", target: endpoint.uri });
    outcome = { kind: "answer", status: response.status, latencyMs: Math.round((performance.now() - started) * 10) / 10 };
  } catch (err) {
    outcome = outcomeOfError(err);
  } finally {
    endpoint.pending = false;
  }
  observe(trunk, endpoint, outcome);
  endpoint.machine.probe(outcome);
}

/** Starts probing every endpoint of `trunk` (no-op when its `oos-check` is 0); returns the stop function. */
export function startProbing(sip: SipVerbs, trunk: TrunkState, observe: ProbeObserver): () => void {
  const interval = trunk.definition.oosCheckMs;
  if (interval <= 0) return () => undefined;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    for (const endpoint of trunk.endpoints) void probeEndpoint(sip, trunk, endpoint, observe);
  };
  const timer = setInterval(tick, interval);
  timer.unref?.();
  tick();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
