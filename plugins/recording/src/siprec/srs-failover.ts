/**
 * Which failures of an SRS move a recording session to the next one. An INVITE that gets a 5xx (RFC 3261 §21.5; a
 * 503 from an overloaded or stopping SRS, RFC 3263 §4.3) or no final answer at all (408 or our own time-out, a
 * transport failure: §8.1.3.1) goes to the next SRS. A refusal (other 4xx, 6xx) would be the same at the next
 * one, and 487 is our own CANCEL: neither fails over. Inside a session, a re-INVITE answered 481 or 408 (or lost to
 * a time-out or the transport) ends the dialog (§12.2.1.2), so the session is lost like one the SRS hangs up.
 */
import { SipError } from "@tandem/sdk";

/** Whether the next SRS is tried after `err` from an SRS's INVITE. */
export function failsOver(err: unknown): boolean {
  if (!(err instanceof SipError)) return false;
  if (err.status === 487) return false;
  return err.origin !== "remote" || err.status === 408 || (err.status >= 500 && err.status < 600);
}

/** Whether `err` from a re-INVITE inside the session means the SRS's dialog is gone. */
export function endsDialog(err: unknown): boolean {
  if (!(err instanceof SipError)) return false;
  return err.origin !== "remote" || err.status === 481 || err.status === 408;
}

/** What one failed attempt is reported as. */
export interface SrsAttempt {
  readonly srs: string;
  readonly reason: string;
}

export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs `attempt` on each SRS URI in turn until one succeeds; a failure that does not fail over ends the walk.
 * Rejects with the last failure, its message naming every SRS tried.
 */
export async function tryInTurn<T>(uris: readonly string[], attempt: (uri: string) => Promise<T>): Promise<{ value: T; srs: string; failed: SrsAttempt[] }> {
  const failed: SrsAttempt[] = [];
  for (const [i, srs] of uris.entries()) {
    try {
      return { value: await attempt(srs), srs, failed };
    } catch (err) {
      failed.push({ srs, reason: reasonOf(err) });
      if (i === uris.length - 1 || !failsOver(err)) throw new Error(failed.map((f) => `${f.srs}: ${f.reason}`).join("; "), { cause: err });
    }
  }
  throw new Error("no SRS to try");
}
