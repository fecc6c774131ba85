/** What the call model's flows share: its dependencies and its own parts. */
import type { DnRegistry, EventBus, Hooks, Logger, SipLeg, SipVerbs } from "@tandem/sdk";
import type { DialogRecovery } from "../sip/index.js";
import type { AgentReservations } from "./agent-reservations.js";
import type { CallEvents } from "./call-events.js";
import type { CallMetrics } from "./call-metrics.js";
import type { CallStore } from "./call-store.js";
import type { CallsConfig } from "./calls-config.js";

export interface CallModelContext {
  readonly sip: SipVerbs;
  readonly dns: DnRegistry;
  readonly hooks: Hooks;
  readonly logger: Logger;
  readonly config: CallsConfig;
  readonly events: CallEvents;
  readonly store: CallStore;
  readonly reservations: AgentReservations;
  readonly metrics: CallMetrics;
  /** Reads legs' dialogs for crash recovery (lost-calls.ts); absent with a stand-in SIP stack. */
  readonly dialogs?: DialogRecovery;
  /** Shared by every recorded leg: rewrites its dialog after a target refresh (lost-calls.ts). */
  readonly dialogRefreshed?: (leg: SipLeg) => void;
}
