/**
 * One INVITE to one media server endpoint and what came of it. The outcome says whose fault a failure is:
 * a time-out, a transport error, 5xx or 408 is the server's (try the next one, hold it down); any other final
 * response (404 prompt not found, 488 codecs, 6xx …) is the treatment's (no other server would do better).
 * The caller's offer is our offer: the media server answers it and RTP flows between the caller and the media
 * server (RFC 3960 early media); Tandem never touches the media.
 */
import { SipError, type OutboundCall, type SipLeg, type SipVerbs } from "@tandem/sdk";
import { MediaErrors } from "./errors.js";
import type { Endpoint } from "./server-directory.js";

export type AttemptOutcome =
  | { kind: "answered"; leg: SipLeg }
  /** The request's signal aborted: CANCEL sent (or BYE, if the answer crossed it). */
  | { kind: "aborted" }
  /** The server's fault: try the next server, hold this one down. */
  | { kind: "failover"; reason: string; label: FailureLabel; status?: number }
  /** The treatment's fault: no other server is tried. */
  | { kind: "refused"; reason: string; status: number };

/** Short reason for metrics. */
export type FailureLabel = "timeout" | "transport" | "server-error" | "no-sdp" | "error";

export interface AttemptRequest {
  readonly endpoint: Endpoint;
  readonly target: string;
  readonly from: string | undefined;
  readonly offer: string;
  readonly connId: string;
  readonly answerTimeoutMs: number;
  readonly signal: AbortSignal;
}

/** Classifies an `answered` rejection (RFC 3261 §8.1.3.1: time-out = 408, transport failure = 503). */
export function classifyFailure(error: unknown): Exclude<AttemptOutcome, { kind: "answered" } | { kind: "aborted" }> {
  if (!(error instanceof SipError)) {
    return { kind: "failover", label: "error", reason: error instanceof Error ? error.message : String(error) };
  }
  if (error.origin === "transport") return { kind: "failover", label: "transport", reason: `transport error (${error.reason || error.status})`, status: error.status };
  if (error.origin === "timeout") return { kind: "failover", label: "timeout", reason: "no answer", status: error.status };
  const reason = `${error.status}${error.reason ? ` ${error.reason}` : ""}`;
  if (error.status === 408) return { kind: "failover", label: "timeout", reason, status: error.status };
  if (error.status >= 500 && error.status < 600) return { kind: "failover", label: "server-error", reason, status: error.status };
  return { kind: "refused", reason, status: error.status };
}

/**
 * Sends the INVITE; settles once there is an outcome: the final answer, the stack's no-answer time-out
 * (`noAnswerTimeoutMs`: 408, origin `timeout`), or an abort of the signal (at once). Giving up CANCELs the
 * INVITE; RFC 3261 §9.1 lets the CANCEL go only after a provisional response, and the stack holds it until one
 * arrives, so a server that answers 100/180 late still gets it. A 2xx that crosses our CANCEL is BYEd (the
 * stack does the same for one after its time-out): no dialog is left up.
 */
export function attemptInvite(sip: SipVerbs, request: AttemptRequest): Promise<AttemptOutcome> {
  const { signal } = request;
  if (signal.aborted) return Promise.resolve({ kind: "aborted" });
  let call: OutboundCall;
  try {
    call = sip.invite({
      target: request.target,
      ...(request.from === undefined ? {} : { from: request.from }),
      sdp: request.offer,
      headers: { "X-Tandem-ConnID": request.connId },
      noAnswerTimeoutMs: request.answerTimeoutMs,
    });
  } catch (error) {
    return Promise.resolve(classifyFailure(error));
  }
  return new Promise<AttemptOutcome>((resolve) => {
    let outcome: AttemptOutcome | undefined;
    const settle = (result: AttemptOutcome): void => {
      if (outcome !== undefined) return;
      outcome = result;
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onAbort = (): void => {
      if (outcome !== undefined) return;
      call.cancel("treatment no longer wanted");
      settle({ kind: "aborted" });
    };
    signal.addEventListener("abort", onAbort, { once: true });
    call.answered.then(
      (leg) => {
        if (outcome !== undefined || signal.aborted) {
          void leg.bye().catch(() => undefined);
          settle({ kind: "aborted" });
        } else if (!leg.remoteSdp) {
          // A 2xx without an answer to our offer breaks RFC 3264 §5: the server is broken, not the prompt.
          void leg.bye().catch(() => undefined);
          settle({ kind: "failover", label: "no-sdp", reason: MediaErrors.noSdp(request.endpoint.server).message });
        } else {
          settle({ kind: "answered", leg });
        }
      },
      (error: unknown) => settle(signal.aborted ? { kind: "aborted" } : classifyFailure(error)),
    );
  });
}
