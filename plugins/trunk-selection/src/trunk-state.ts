/**
 * One trunk at run time: a health machine per endpoint (contact, then each contact-backup), the trunk's own
 * in/out-of-service state (in service while any endpoint is), its calls in progress and its counters.
 * The trunk's target is its first in-service endpoint, so calls follow the cluster order of the contacts.
 */
import { HealthMachine, type HealthOptions, type HealthState, type HealthTransition } from "./health-machine.js";
import type { TrunkDefinition } from "./trunk-directory.js";

export interface TrunkCounters {
  selections: number;
  failedCalls: number;
  probes: number;
  probeFailures: number;
  outOfService: number;
}

export interface EndpointRuntime {
  readonly uri: string;
  readonly machine: HealthMachine;
  /** An OPTIONS is on its way; the next tick does not send another. */
  pending: boolean;
  /** INVITEs in a row that got no response (or a transport error), until one is answered or a call set up through it. */
  callFailures: number;
}

/** How call failures move an endpoint nobody probes (plugin config `failuresBeforeOos`, `failureHoldDownSeconds`). */
export interface CallFailurePolicy {
  readonly failuresBeforeOos: number;
  readonly holdDownMs: number;
}

/** A change of the whole trunk's state, with the endpoint transition that caused it. */
export interface TrunkTransition {
  readonly trunk: string;
  readonly to: HealthState;
  readonly endpoint: string;
  readonly reason: string;
}

export class TrunkState {
  readonly endpoints: EndpointRuntime[];
  readonly counters: TrunkCounters = { selections: 0, failedCalls: 0, probes: 0, probeFailures: 0, outOfService: 0 };
  /** Calls set up through this trunk and not yet ended: ConnID → the endpoint URI their INVITE went to. */
  readonly calls = new Map<string, string>();
  private aggregate: HealthState = "in-service";
  private since = 0;

  constructor(
    readonly definition: TrunkDefinition,
    health: Omit<HealthOptions, "oosForceMs">,
    private readonly onTransition: (transition: TrunkTransition) => void,
  ) {
    this.endpoints = definition.endpoints.map((uri) => {
      const machine: HealthMachine = new HealthMachine({ ...health, oosForceMs: definition.oosForceMs }, (t) => this.changed(uri, t));
      return { uri, machine, pending: false, callFailures: 0 };
    });
  }

  get number(): string {
    return this.definition.number;
  }

  get state(): HealthState {
    return this.aggregate;
  }

  get inService(): boolean {
    return this.aggregate === "in-service";
  }

  /** When the trunk last came back into service; 0 when it never left. */
  get inServiceSince(): number {
    return this.since;
  }

  /** The endpoint calls go to now: the first one in service (the contact when it is up). */
  activeEndpoint(): EndpointRuntime | undefined {
    return this.endpoints.find((e) => e.machine.state === "in-service");
  }

  /** The endpoint a Request-URI went through (its host part matches), for failure reports. */
  endpointOf(target: string): EndpointRuntime | undefined {
    const host = (uri: string): string => uri.replace(/^sips?:(?:[^@;]*@)?/i, "").split(";")[0]?.toLowerCase() ?? "";
    return this.endpoints.find((e) => host(e.uri) === host(target));
  }

  /**
   * A failed INVITE through `target` (no response or transport error). A probed endpoint goes out of service at
   * once and OPTIONS bring it back. One nobody probes goes out after `failuresBeforeOos` such failures in a row and
   * comes back after the hold-down; its count is kept, so the first failure after that takes it out again.
   */
  callFailure(target: string, policy: CallFailurePolicy): void {
    const endpoint = this.endpointOf(target);
    if (!endpoint) return;
    endpoint.callFailures += 1;
    if (this.definition.oosCheckMs > 0) endpoint.machine.callFailure();
    else if (endpoint.callFailures >= policy.failuresBeforeOos) endpoint.machine.callFailure(policy.holdDownMs);
  }

  /** The endpoint answered an INVITE (any response, or a call set up through it): it is alive. */
  callAnswered(target: string): void {
    const endpoint = this.endpoints.find((e) => e.uri === target) ?? this.endpointOf(target);
    if (endpoint) endpoint.callFailures = 0;
  }

  start(): void {
    if (this.definition.oosCheckMs > 0) for (const e of this.endpoints) e.machine.start();
  }

  stop(): void {
    for (const e of this.endpoints) e.machine.stop();
  }

  private changed(uri: string, transition: HealthTransition): void {
    const next: HealthState = this.endpoints.some((e) => e.machine.state === "in-service") ? "in-service" : "out-of-service";
    if (next === this.aggregate) return;
    this.aggregate = next;
    if (next === "out-of-service") this.counters.outOfService += 1;
    else this.since = Date.now();
    this.onTransition({ trunk: this.number, to: next, endpoint: uri, reason: transition.reason });
  }
}
