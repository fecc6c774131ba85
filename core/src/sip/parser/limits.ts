/**
 * Caps on the work one message can cause. Legitimate messages stay far below them (a CUCM INVITE has ~25 header
 * fields and ~30 parameters); without them a 64 KiB datagram of Contact elements or parameters costs a core
 * tens of milliseconds. Exceeding one is `TANDEM_ERR_SIP_PARSE_TOO_LARGE` (513). Parsing is synchronous, so
 * one module-level counter set serves every call.
 */
import { SipParseErrors } from "./errors.js";
import { fail } from "./failure.js";

export const MAX_HEADER_FIELDS = 256;
export const MAX_LIST_ELEMENTS = 128;
export const MAX_PARAMETERS = 1024;

const usage = { fields: 0, elements: 0, parameters: 0 };

export function resetUsage(): void {
  usage.fields = 0;
  usage.elements = 0;
  usage.parameters = 0;
}

export function countField(): void {
  if (++usage.fields > MAX_HEADER_FIELDS) fail(SipParseErrors.tooLarge, `more than ${MAX_HEADER_FIELDS} header fields`);
}

export function countElement(): void {
  if (++usage.elements > MAX_LIST_ELEMENTS) fail(SipParseErrors.tooLarge, `more than ${MAX_LIST_ELEMENTS} Contact/Route values`);
}

export function countParameter(): void {
  if (++usage.parameters > MAX_PARAMETERS) fail(SipParseErrors.tooLarge, `more than ${MAX_PARAMETERS} parameters`);
}
