/**
 * Media servers from the DN registry (order, backups, defaults, bad entries), per-queue treatment selection, and
 * the hold-down of failed endpoints with fake timers.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import type { DnRecord, DnRegistry, DnType } from "@tandem/sdk";
import { readServers } from "../../plugins/media-server/src/server-directory.js";
import { ServerPool } from "../../plugins/media-server/src/server-pool.js";
import { selectTreatment } from "../../plugins/media-server/src/treatment-selector.js";

function registry(records: Array<{ number: string; type?: DnType; options?: Record<string, unknown> }>): Pick<DnRegistry, "get" | "list"> {
  const all: DnRecord[] = records.map((r) => ({
    number: r.number,
    type: r.type ?? "VoipService",
    options: r.options ?? {},
    origin: "config",
    createdAt: "",
    updatedAt: "",
  }));
  return {
    get: (n) => all.find((r) => r.number === n),
    list: (filter) => all.filter((r) => filter?.type === undefined || r.type === filter.type),
  };
}

const MS = (number: string, contact: string, extra: Record<string, unknown> = {}) => ({
  number,
  options: { "service-type": "media-server", contact, ...extra },
});

describe("readServers", { timeout: 300_000 }, () => {
  it("configured order; every primary contact before any contact-backup; DN transport applied", () => {
    const dns = registry([
      MS("ms2", "sip:10.0.0.2:5060", { "contact-backup": ["sip:10.0.0.22:5060"] }),
      MS("ms1", "sip:10.0.0.1:5060", { transport: "tcp", "contact-backup": ["sip:10.0.0.11", "sip:10.0.0.12;transport=udp"] }),
    ]);
    const dir = readServers(dns, ["ms1", "ms2"]);
    assert.deepEqual(dir.servers, ["ms1", "ms2"]);
    assert.deepEqual(
      dir.endpoints.map((e) => [e.server, e.role, e.uri]),
      [
        ["ms1", "primary", "sip:10.0.0.1:5060;transport=tcp"],
        ["ms2", "primary", "sip:10.0.0.2:5060"],
        ["ms1", "backup", "sip:10.0.0.11;transport=tcp"],
        ["ms1", "backup", "sip:10.0.0.12;transport=udp"],
        ["ms2", "backup", "sip:10.0.0.22:5060"],
      ],
    );
    assert.deepEqual(dir.problems, []);
  });

  it("without servers: VoipService DNs with service-type media-server, by number", () => {
    const dns = registry([
      MS("ms10", "sip:10.0.0.10"),
      { number: "cucm", options: { "service-type": "softswitch", contact: "sip:10.1.1.1" } },
      MS("ms9", "sip:10.0.0.9"),
      { number: "ms0", type: "Trunk", options: { "service-type": "media-server", contact: "sip:10.0.0.99" } },
    ]);
    assert.deepEqual(readServers(dns, undefined).servers, ["ms9", "ms10"]);
  });

  it("unknown DNs, non-VoipService DNs and bad contacts are coded problems and left out", () => {
    const dns = registry([
      MS("ms1", "http://nope", { "contact-backup": ["sip:10.0.0.11"] }),
      MS("ms2", "nope"),
      { number: "T1", type: "Trunk", options: { contact: "sip:10.9.9.9" } },
    ]);
    const dir = readServers(dns, ["ms1", "ms2", "T1", "ghost"]);
    assert.deepEqual(dir.servers, ["ms1"]);
    assert.deepEqual(dir.endpoints.map((e) => e.uri), ["sip:10.0.0.11"]);
    assert.deepEqual(
      dir.problems.map((p) => p.code),
      ["TANDEM_ERR_MEDIA_UNKNOWN_SERVER", "TANDEM_ERR_MEDIA_UNKNOWN_SERVER", "TANDEM_ERR_MEDIA_BAD_CONTACT", "TANDEM_ERR_MEDIA_BAD_CONTACT", "TANDEM_ERR_MEDIA_BAD_CONTACT"],
    );
  });

  it("the same URI on two DNs is tried once", () => {
    const dir = readServers(registry([MS("a", "sip:10.0.0.1"), MS("b", "sip:10.0.0.1")]), ["a", "b"]);
    assert.deepEqual(dir.endpoints.map((e) => e.server), ["a"]);
  });
});

describe("selectTreatment", { timeout: 300_000 }, () => {
  const treatments = {
    default: { play: "http://m/default.wav" },
    queues: { sales: { play: "http://m/sales.wav", repeat: 2 }, vip: null },
  };
  it("a listed queue gets its own, null means ringback, others the default (repeat forever)", () => {
    assert.deepEqual(selectTreatment(treatments, "sales"), { play: "http://m/sales.wav", repeat: 2 });
    assert.equal(selectTreatment(treatments, "vip"), null);
    assert.deepEqual(selectTreatment(treatments, "support"), { play: "http://m/default.wav", repeat: "forever" });
  });
  it("no default: unlisted queues get ringback; object keys of the prototype are not queues", () => {
    assert.equal(selectTreatment({ queues: { sales: { play: "http://m/s.wav" } } }, "support"), null);
    assert.equal(selectTreatment({}, "toString"), null);
    assert.equal(selectTreatment({ queues: {} }, "constructor"), null);
  });
});

describe("ServerPool hold-down (fake timers)", { timeout: 300_000 }, () => {
  beforeEach(() => mock.timers.enable({ apis: ["Date"], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  const pool = (holdDownMs = 30_000) =>
    new ServerPool({ dns: registry([MS("ms1", "sip:10.0.0.1"), MS("ms2", "sip:10.0.0.2")]), servers: ["ms1", "ms2"], holdDownMs });

  it("a failed endpoint is skipped until holdDownMs passed, then tried again", () => {
    const p = pool();
    const [ms1] = p.candidates();
    assert.ok(ms1);
    p.failed(ms1, "503 Service Unavailable");
    assert.deepEqual(p.candidates().map((e) => e.server), ["ms2"]);
    mock.timers.tick(29_999);
    assert.deepEqual(p.candidates().map((e) => e.server), ["ms2"]);
    mock.timers.tick(1);
    assert.deepEqual(p.candidates().map((e) => e.server), ["ms1", "ms2"]);
  });

  it("when every endpoint is held down, all are tried in order", () => {
    const p = pool();
    for (const e of p.candidates()) p.failed(e, "no answer");
    assert.deepEqual(p.candidates().map((e) => e.server), ["ms1", "ms2"]);
    assert.ok(p.endpoints.every((s) => p.isHeldDown(s)));
  });

  it("a success lifts the hold-down at once; holdDownMs 0 never holds down", () => {
    const p = pool();
    const [ms1] = p.candidates();
    assert.ok(ms1);
    p.failed(ms1, "no answer");
    p.succeeded(ms1);
    assert.deepEqual(p.candidates().map((e) => e.server), ["ms1", "ms2"]);
    const none = pool(0);
    const [first] = none.candidates();
    assert.ok(first);
    none.failed(first, "no answer");
    assert.deepEqual(none.candidates().map((e) => e.server), ["ms1", "ms2"]);
  });

  it("reload keeps the health of endpoints that remain", () => {
    const p = pool();
    const [ms1] = p.candidates();
    assert.ok(ms1);
    p.failed(ms1, "no answer");
    p.reload();
    assert.deepEqual(p.candidates().map((e) => e.server), ["ms2"]);
  });

  it("active treatments are counted per server; the release is idempotent", () => {
    const p = pool();
    const release = p.track("ms1");
    p.track("ms1");
    assert.equal(p.activeOn("ms1"), 2);
    release();
    release();
    assert.equal(p.activeOn("ms1"), 1);
  });
});
