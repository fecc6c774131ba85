/**
 * Starts a real SIP stack on 127.0.0.1 for tests (free port, UDP and TCP), with a quiet logger and
 * counting metrics. `TANDEM_TEST_LOG=1` prints the stack's log lines.
 */
import type { Counter, Gauge, Histogram, Logger, Metrics } from "@tandem/sdk";
import { createSipStack } from "../../core/src/sip/index.js";
import type { InviteAdmission, SipConfig, SipStack } from "../../core/src/sip/stack-contract.js";
import { freePort } from "./free-port.js";
import { loopbackSipConfig } from "./loopback-sip-config.js";

export function quietLogger(bindings: Record<string, unknown> = {}): Logger {
  const verbose = process.env.TANDEM_TEST_LOG === "1";
  const log =
    (level: string) =>
    (a: unknown, b?: unknown): void => {
      if (verbose) console.error(level, JSON.stringify(bindings), typeof a === "string" ? a : JSON.stringify(a), b ?? "");
    };
  return {
    trace: log("trace"),
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    fatal: log("fatal"),
    child: (more) => quietLogger({ ...bindings, ...more }),
  };
}

/** Metrics that only remember counter totals by name (enough for assertions). */
export function countingMetrics(): Metrics & { totals: Map<string, number> } {
  const totals = new Map<string, number>();
  const counter = (name: string): Counter => ({ inc: (_l, v = 1) => void totals.set(name, (totals.get(name) ?? 0) + v) });
  const gauge: Gauge = { set: () => undefined, inc: () => undefined, dec: () => undefined };
  const histogram: Histogram = { observe: () => undefined };
  return { totals, counter: (spec) => counter(spec.name), gauge: () => gauge, histogram: () => histogram };
}

export interface TestStack {
  stack: SipStack;
  port: number;
  metrics: ReturnType<typeof countingMetrics>;
}

export async function startTestStack(
  overrides: Partial<SipConfig> & { served?: string[]; baseDir?: string; admission?: InviteAdmission } = {},
): Promise<TestStack> {
  const port = await freePort();
  const served = new Set(overrides.served ?? ["1001", "1002", "2001"]);
  const { served: _served, baseDir, admission, ...sipOverrides } = overrides;
  const config: SipConfig = loopbackSipConfig(port, sipOverrides);
  const metrics = countingMetrics();
  const stack = createSipStack({
    config,
    logger: quietLogger(),
    metrics,
    isServedDn: (user) => served.has(user),
    ...(baseDir ? { baseDir } : {}),
    ...(admission ? { admission } : {}),
  });
  await stack.start();
  return { stack, port, metrics };
}

/** A minimal SDP answer/offer for tests. */
export function testSdp(port = 40000, direction = "sendrecv"): string {
  return ["v=0", "o=tandem 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", `m=audio ${port} RTP/AVP 0`, "a=rtpmap:0 PCMU/8000", `a=${direction}`, ""].join("\r\n");
}
