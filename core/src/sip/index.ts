/**
 * The SIP stack's public face for the rest of the core: the factory the server calls and the types it
 * needs. Parser, transports and the reliability layer stay internal to this folder.
 */
export { createSipStack } from "./stack/create-sip-stack.js";
export { SipStackErrors } from "./errors.js";
export type {
  CreateSipStack,
  SipConfig,
  SipListenConfig,
  SipListenInfo,
  SipStack,
  SipStackDeps,
  SipStackStats,
  SipTimerConfig,
} from "./stack-contract.js";
export type { InviteAdmission, InviteAdmissionRequest, InviteRefusal } from "./stack-contract.js";
export type { DialogRecord, DialogRecovery } from "./dialog-record.js";
export { createTrustedPeers, type TrustedPeers } from "./stack/trusted-peers.js";
