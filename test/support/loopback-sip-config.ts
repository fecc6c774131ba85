/** The SIP config every test and bench stack uses: UDP and TCP on 127.0.0.1:`port`, short timers, 8 shards. */
import type { SipConfig } from "../../core/src/sip/stack-contract.js";

export function loopbackSipConfig(port: number, overrides: Partial<SipConfig> = {}): SipConfig {
  return {
    listen: [
      { transport: "udp", host: "127.0.0.1", port },
      { transport: "tcp", host: "127.0.0.1", port },
    ],
    trustedPeers: ["127.0.0.0/8"],
    timers: { t1: 500, t2: 4000, t4: 5000 },
    shards: 8,
    udpMtu: 1300,
    logMessages: process.env.TANDEM_TEST_LOG === "1",
    ...overrides,
  };
}
