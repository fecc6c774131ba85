/**
 * RFC 6665 subscriber against a sipp notifier: the first NOTIFY arrives before the 200 to SUBSCRIBE,
 * every NOTIFY is answered 200 and delivered in order, and `Subscription-State: terminated` ends the
 * subscription with its reason and retry-after.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NotifyInfo, SubscriptionEnd } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { runSipp } from "../support/sipp.js";
import { suiteTestStack } from "../support/suite-stack.js";

describe("SUBSCRIBE/NOTIFY with a sipp notifier", { timeout: 300_000 }, () => {
  const t = suiteTestStack();

  for (const transport of ["u1", "t1"] as const) {
    it(`delivers NOTIFYs and the termination over ${transport === "u1" ? "UDP" : "TCP"}`, async () => {
      const notifierPort = await freePort();
      const notifier = runSipp({ scenario: "subscribe-notifier.xml", localPort: notifierPort, transport, calls: 1, timeoutS: 15 });
      await new Promise((r) => setTimeout(r, 300));
      const suffix = transport === "t1" ? ";transport=tcp" : "";
      const sub = t.stack.verbs.subscribe({
        target: `sip:1001@127.0.0.1:${notifierPort}${suffix}`,
        event: "presence",
        accept: ["application/pidf+xml"],
        expires: 600,
      });
      const notifies: NotifyInfo[] = [];
      sub.onNotify((n) => notifies.push(n));
      const ended = new Promise<SubscriptionEnd>((resolve) => sub.onTerminated(resolve));
      const granted = await sub.accepted;
      assert.equal(granted.expires, 600);
      const end = await ended;
      const result = await notifier;
      assert.equal(result.failed, 0, result.errors);
      assert.equal(result.successful, 1, result.errors);
      assert.deepEqual(
        notifies.map((n) => [n.state, /<basic>(\w+)</.exec(n.body)?.[1]]),
        [
          ["active", "open"],
          ["active", "closed"],
          ["terminated", undefined],
        ],
      );
      assert.deepEqual(end, { by: "notify", reason: "noresource", retryAfter: 30 });
      assert.equal(sub.state, "terminated");
    });
  }
});
