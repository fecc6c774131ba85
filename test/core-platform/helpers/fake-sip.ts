/** A SIP stack with no sockets, for tests of boot and plugins (the real stack is tested with sipp). */
import type { SipVerbs } from "@tandem/sdk";
import type { CreateSipStack, SipListenInfo } from "../../../core/src/sip/stack-contract.js";

export interface FakeSipRecord {
  started: number;
  stopped: number;
}

export function fakeSipStack(record: FakeSipRecord = { started: 0, stopped: 0 }): CreateSipStack {
  return (deps) => {
    const none = (): never => {
      throw new Error("fake SIP stack");
    };
    const verbs: SipVerbs = { localUri: (u) => `sip:${u ?? "tandem"}@127.0.0.1`, onInvite: () => () => undefined, invite: none, bridge: none, subscribe: none, request: none };
    return {
      verbs,
      start: async (): Promise<SipListenInfo[]> => {
        record.started++;
        return deps.config.listen.map((l) => ({ transport: l.transport, host: l.host, port: l.port }));
      },
      stop: async () => {
        record.stopped++;
      },
      stats: () => ({ messagesIn: 0, messagesOut: 0, parseErrors: 0, retransmissions: 0, transactions: 0, dialogs: 0 }),
    };
  };
}
