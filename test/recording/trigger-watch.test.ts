/**
 * The automatic triggers on the bus: an answered call of a DN marked `record: true` is started once, 100 ms after
 * EventEstablished (not again on later events of the same call); a consultation call (EventDialing with
 * heldConnId) of the same DN is left alone; user data attached to an answered call starts it; a call marked for
 * SIPREC gets a SIPREC session. Fake timers; the recordings side is a stand-in that logs what it is asked.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { EventBus, EventData, EventInput, EventListener, EventName, TandemEvent } from "@tandem/sdk";
import { CallFacts } from "../../plugins/recording/src/call-facts.js";
import type { CallRecordings } from "../../plugins/recording/src/call-recordings.js";
import { RECORDING_DEFAULTS } from "../../plugins/recording/src/manifest.js";
import { TRIGGER_SETTLE_MS, watchTriggers } from "../../plugins/recording/src/recording-triggers.js";
import { quietLogger } from "../support/test-stack.js";

/** A bus that delivers synchronously, enough for the triggers. */
function smallBus(): EventBus & { fire(name: EventName, input: EventInput): void } {
  const listeners = new Map<string, EventListener[]>();
  let seq = 0;
  const emit = <D extends EventData>(name: EventName, input: EventInput<D> = {}): TandemEvent<D> => {
    const event = { seq: ++seq, ts: new Date().toISOString(), name, data: {}, ...input } as TandemEvent<D>;
    for (const l of [...(listeners.get(name) ?? []), ...(listeners.get("*") ?? [])]) l(event);
    return event;
  };
  return {
    emit,
    fire: (name, input) => void emit(name, input),
    on: (name, listener) => {
      listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      return () => listeners.set(name, (listeners.get(name) ?? []).filter((l) => l !== listener));
    },
    since: () => [],
    lastSeq: () => seq,
  };
}

test("automatic triggers: once per call after the answer, consultations left alone, user data and SIPREC", { timeout: 180_000 }, (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const bus = smallBus();
  const facts = new CallFacts();
  const asked: string[] = [];
  const recordings = {
    recording: () => false,
    start: async (r: { connId: string; trigger?: string }) => {
      asked.push(`record ${r.connId} ${r.trigger ?? ""}`);
      return { recordingId: "x", connId: r.connId, state: "recording" as const };
    },
    startSiprec: async (connId: string, trigger: string) => {
      asked.push(`siprec ${connId} ${trigger}`);
      return true;
    },
  } as unknown as CallRecordings;
  const config = { ...RECORDING_DEFAULTS, dns: { "1002": { record: true } }, queues: { "8000": { siprec: true } } };
  facts.watch(bus);
  watchTriggers(bus, config, facts, recordings, quietLogger({ plugin: "recording" }));
  const data = (extra: Record<string, unknown> = {}) => ({ ani: "5550100", dnis: "7000", state: "Established", dns: ["1002"], userData: {}, ...extra });

  bus.fire("EventEstablished", { connId: "c1", dn: "1002", data: data() });
  assert.deepEqual(asked, [], "not before the settle delay");
  t.mock.timers.tick(TRIGGER_SETTLE_MS);
  assert.deepEqual(asked, ["record c1 dn"]);
  bus.fire("EventAttachedDataChanged", { connId: "c1", dn: "1002", data: data({ userData: { x: 1 } }) });
  t.mock.timers.tick(TRIGGER_SETTLE_MS);
  assert.deepEqual(asked, ["record c1 dn"], "once per call");

  bus.fire("EventDialing", { connId: "c2", dn: "1001", data: data({ heldConnId: "c0" }) });
  bus.fire("EventEstablished", { connId: "c2", dn: "1002", data: data() });
  t.mock.timers.tick(TRIGGER_SETTLE_MS);
  assert.deepEqual(asked, ["record c1 dn"], "a consultation of a recorded DN is not recorded by itself");

  bus.fire("EventEstablished", { connId: "c3", dn: "1001", data: data() });
  t.mock.timers.tick(TRIGGER_SETTLE_MS);
  bus.fire("EventAttachedDataChanged", { connId: "c3", dn: "1001", data: data({ userData: { record: "true" } }) });
  t.mock.timers.tick(TRIGGER_SETTLE_MS);
  assert.deepEqual(asked.slice(1), ["record c3 user-data"]);

  bus.fire("EventEstablished", { connId: "c4", dn: "1001", data: data({ dnis: "8000" }) });
  t.mock.timers.tick(TRIGGER_SETTLE_MS);
  assert.deepEqual(asked.slice(2), ["siprec c4 queue"]);
});
