/** Coded errors of the test host. */
import { defineError } from "@tandem/sdk";

export const TestHostErrors = {
  noSip: defineError("TANDEM_ERR_TESTHOST_NO_SIP", "this test host has no SIP stack; pass { sip: true } to createTestHost"),
  waitTimeout: defineError("TANDEM_ERR_TESTHOST_WAIT_TIMEOUT", "no %s event arrived within %s ms"),
} as const;
