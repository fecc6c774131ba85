/**
 * One test stack for a whole `describe` block that drives sipp: started in `before`, and in `after` every
 * sipp still running is killed before the stack stops (so no sipp outlives its peer).
 */
import { after, before } from "node:test";
import type { SipConfig } from "../../core/src/sip/stack-contract.js";
import { killAllSipp } from "./sipp.js";
import { startTestStack, type TestStack } from "./test-stack.js";

/**
 * Registers the hooks in the calling `describe` and returns the stack's handle; its fields are filled
 * once `before` has run, so read them inside tests only.
 */
export function suiteTestStack(overrides: Partial<SipConfig> & { served?: string[]; baseDir?: string } = {}): TestStack {
  const handle = {} as TestStack;
  before(async () => {
    Object.assign(handle, await startTestStack(overrides));
  });
  after(async () => {
    killAllSipp();
    await handle.stack?.stop();
  });
  return handle;
}
