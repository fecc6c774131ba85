/** Factory the server calls (see stack-contract.ts). */
import type { CreateSipStack, SipStackDeps, SipStack } from "../stack-contract.js";
import { SipStackImpl } from "./sip-stack.js";

export const createSipStack: CreateSipStack = (deps: SipStackDeps): SipStack => new SipStackImpl(deps);
