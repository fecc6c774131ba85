/**
 * Stream framing and response-on-the-arriving-connection (RFC 3261 §18.2.2) against a real peer:
 * sipp as TCP UAC, with one shared connection (`-t t1`) and one connection per call (`-t tn`).
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { constructOutgoingResponse, IncomingRequestMessage } from "sip.js/lib/core/index.js";
import { parseSipMessage } from "../../core/src/sip/parser/parse-message.js";
import type { Flow } from "../../core/src/sip/transport/flow.js";
import { stampVia } from "../../core/src/sip/transport/via-stamp.js";
import { killAllSipp, runSipp } from "../support/sipp.js";
import { startLayer, until } from "./helpers.js";

const SCENARIO = join(dirname(fileURLToPath(import.meta.url)), "..", "sip-transactions", "sipp", "options-uac.xml");

async function sippAgainst(t: TestContext, port: number, mode: "t1" | "tn", calls: number): Promise<number | null> {
  t.after(killAllSipp);
  const result = await runSipp({ scenario: SCENARIO, remote: `127.0.0.1:${port}`, transport: mode, calls, rate: 100, timeoutS: 30 });
  return result.code;
}

describe("sipp over TCP", { timeout: 300_000 }, () => {
  for (const mode of ["t1", "tn"] as const) {
    it(`-t ${mode}: every OPTIONS framed, answered on its own connection, 100 % success`, async (t) => {
      const seen = new Set<string>();
      const holder: { send?: (text: string, flow: Flow) => void } = {};
      const l = await startLayer(t, [{ transport: "tcp", host: "127.0.0.1", port: 0 }], {
        onMessage: (data, flow) => {
          const outcome = parseSipMessage(data, { datagram: false });
          if (!outcome.ok || !(outcome.message instanceof IncomingRequestMessage)) return;
          stampVia(outcome.message, flow);
          seen.add(outcome.message.callId);
          holder.send?.(constructOutgoingResponse(outcome.message, { statusCode: 200, toTag: "t" }).message, flow);
        },
      });
      holder.send = (text, flow) => void l.layer.send(text, flow).catch(() => undefined);
      const calls = 50;
      assert.equal(await sippAgainst(t, l.port("tcp"), mode, calls), 0, "sipp counted every call as successful");
      assert.equal(seen.size, calls);
      assert.equal(l.layer.stats().framingErrors, 0);
      await until(() => l.layer.stats().connections === 0, 5000); // sipp closed its connections; so did we
    });
  }
});
