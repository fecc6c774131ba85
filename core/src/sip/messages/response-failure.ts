/**
 * A final non-2xx response (or sip.js's synthetic 408/503 for a timeout or transport failure, RFC 3261 §8.1.3.1)
 * as the SDK's `SipError`, with the response's Retry-After (§20.33) when the peer sent one.
 */
import { SipError } from "@tandem/sdk";
import type { IncomingResponse } from "sip.js/lib/core/index.js";
import { retryAfterOf } from "./message-info.js";

export function responseFailure(response: IncomingResponse): SipError {
  const m = response.message;
  const status = m.statusCode ?? 500;
  const synthetic = !m.callId; // sip.js makes bare 408/503 messages for timeouts and transport errors
  const origin = synthetic ? (status === 408 ? "timeout" : "transport") : "remote";
  const retryAfter = synthetic ? undefined : retryAfterOf(m);
  return new SipError(status, m.reasonPhrase ?? "", { origin, ...(retryAfter !== undefined ? { retryAfter } : {}) });
}
