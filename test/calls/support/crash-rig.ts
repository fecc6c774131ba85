/**
 * A real Tandem child process on config.example.json (ports moved to free ones; media, media-engine and
 * conferencing enabled as shipped) for kill -9 tests: agents logged in over the desktop HTTP API, the event log
 * and a call's SIP trace read over the admin API, and the kill followed by a start on the same database.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { writeExampleConfig, type ExampleConfig } from "../../support/example-config.js";
import { startTandem, type TandemProcess } from "../../support/tandem-process.js";
import { customerCall } from "../../support/sipp-peers.js";
import { runSipp, type SippResult } from "../../support/sipp.js";
import { until } from "../../support/until.js";
import { tempDir } from "../../core-platform/helpers/temp-plugins.js";

export interface LoggedEvent {
  seq: number;
  name: string;
  dn?: string;
  connId?: string;
  data: Record<string, unknown>;
}

export interface TracedMessage {
  direction: "in" | "out";
  text: string;
}

export interface CrashRig {
  example: ExampleConfig;
  /** The port the PBX (every agent phone, through the trunk) listens on. */
  pbxPort: number;
  events(): Promise<LoggedEvent[]>;
  /** Waits for the first logged event matching `match`. */
  waitEvent(what: string, match: (e: LoggedEvent) => boolean, timeoutMs?: number): Promise<LoggedEvent>;
  /** Sends a desktop request for `dn` (its own token) and expects it accepted. */
  desktop(dn: string, request: Record<string, unknown>): Promise<void>;
  trace(connId: string): Promise<TracedMessage[]>;
  admin(path: string): Promise<unknown>;
  /** kill -9 of the running process, then a new one on the same config and database, started. */
  crashAndRestart(): Promise<void>;
}

export async function startCrashRig(t: TestContext): Promise<CrashRig> {
  const dir = tempDir(t);
  const example = await writeExampleConfig(dir);
  const base = `http://127.0.0.1:${example.adminPort}/api/v1`;
  const adminToken = String(example.config["admin"].tokens[0].token);
  const desktopTokens = example.config["plugins"].desktop.tokens as Array<{ token: string; dns: string[] }>;
  const admin = async (path: string): Promise<unknown> => (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
  const events = async (): Promise<LoggedEvent[]> => ((await admin("/events?after=0&limit=1000")) as { events: LoggedEvent[] }).events;
  let tandem: TandemProcess = startTandem(t, "source", example.file, dir);
  await tandem.waitForOutput(/"msg":"tandem started"/);
  return {
    example,
    pbxPort: example.ports.get(5070) ?? 0,
    events,
    admin,
    async waitEvent(what, match, timeoutMs = 30_000) {
      let found: LoggedEvent | undefined;
      await until(async () => (found = (await events()).find(match)) !== undefined, timeoutMs, what);
      return found as LoggedEvent;
    },
    async desktop(dn, request) {
      const token = desktopTokens.find((entry) => entry.dns.includes(dn))?.token ?? "";
      const res = await fetch(`${base}/plugins/desktop/requests`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ referenceId: `r-${request["request"] as string}`, dn, ...request }),
      });
      assert.equal(res.status, 200, await res.text());
    },
    async trace(connId) {
      const res = await fetch(`${base}/calls/${connId}/trace`, { headers: { authorization: `Bearer ${adminToken}` } });
      return res.ok ? ((await res.json()) as { messages: TracedMessage[] }).messages : [];
    },
    async crashAndRestart() {
      tandem.child.kill("SIGKILL");
      await tandem.exited;
      tandem = startTandem(t, "source", example.file, dir);
      await tandem.waitForOutput(/"msg":"tandem started"/);
    },
  };
}

/**
 * How many INVITEs and re-INVITEs Tandem sent in the trace, or undefined while one has no ACK sent yet: a kill
 * between a phone's 200 and our ACK would leave the phone waiting for the ACK (and taking the restart's BYE as
 * unexpected), not a call up.
 */
function invitesAllAcked(messages: readonly TracedMessage[]): number | undefined {
  const key = (text: string): string => `${/\r\nCall-ID:\s*(\S+)/i.exec(text)?.[1] ?? ""} ${/\r\nCSeq:\s*(\d+)/i.exec(text)?.[1] ?? ""}`;
  const acked = new Set(messages.filter((m) => m.direction === "out" && /^ACK /.test(m.text)).map((m) => key(m.text)));
  const invites = messages.filter((m) => m.direction === "out" && /^INVITE /.test(m.text));
  return invites.length > 0 && invites.every((m) => acked.has(key(m.text))) ? invites.length : undefined;
}

/**
 * Waits until every INVITE Tandem sent on the call is ACKed and no new one went out for a second (a request's
 * end may start another re-INVITE in the background, e.g. the hold music's room giving the customer back).
 */
export async function signallingSettled(rig: Pick<CrashRig, "trace">, connId: string): Promise<void> {
  let last: number | undefined;
  let since = Date.now();
  await until(async () => {
    const count = invitesAllAcked(await rig.trace(connId));
    if (count !== last) {
      last = count;
      since = Date.now();
    }
    return count !== undefined && Date.now() - since >= 1000;
  }, 30_000, "the call's INVITEs all ACKed and none new for a second");
}

/** A routed call up at agent 1001 while 1002 is logged in (not Ready), both phones answered by one sipp PBX. */
export interface TwoAgentCall {
  connId: string;
  /** The customer's sipp run, then the PBX's (both phones'), once each has ended. */
  ended: Promise<[SippResult, SippResult]>;
}

/**
 * Logs 1001 in Ready and 1002 in not Ready (so the routed call goes to 1001 and a consultation reaches 1002
 * directly), starts the PBX answering both phones, places the customer's call and waits until 1001 has it.
 */
export async function callAt1001With1002LoggedIn(rig: CrashRig): Promise<TwoAgentCall> {
  await rig.desktop("1001", { request: "RequestAgentLogin", workMode: "AutoIn" });
  await rig.desktop("1002", { request: "RequestAgentLogin", workMode: "ManualIn" });
  await rig.waitEvent("agent 1001 Ready", (e) => e.name === "EventAgentReady" && e.dn === "1001", 20_000);
  const pbx = runSipp({ scenario: "restart-pbx-phones.xml", localPort: rig.pbxPort, calls: 2, timeoutS: 150 });
  await new Promise((r) => setTimeout(r, 300));
  const customer = customerCall(rig.example.sipPort, "restart-customer-reinvited.xml", "5000", { timeoutS: 150 });
  const established = await rig.waitEvent("EventEstablished on 1001", (e) => e.name === "EventEstablished" && e.dn === "1001");
  return { connId: established.connId ?? "", ended: Promise.all([customer, pbx]) };
}

/** Asserts a sipp run's counts, with its errors as the failure message. */
export function assertSippCounts(result: SippResult, counts: { successful: number; failed: number }): void {
  assert.equal(result.failed, counts.failed, result.errors || result.stderr);
  assert.equal(result.successful, counts.successful, result.errors || result.stderr);
}

/** The EventReleased the restart logged for calls it found lost (cause `lost-in-restart`). */
export async function releasedInRestart(rig: Pick<CrashRig, "events">): Promise<LoggedEvent[]> {
  return (await rig.events()).filter((e) => e.name === "EventReleased" && e.data["cause"] === "lost-in-restart");
}

/** Waits until agent 1001 is Ready again after the restart. */
export async function agent1001ReadyAgain(rig: Pick<CrashRig, "admin">): Promise<void> {
  await until(async () => ((await rig.admin("/agents/1001")) as { state?: string }).state === "Ready", 20_000, "agent 1001 back to Ready");
}
