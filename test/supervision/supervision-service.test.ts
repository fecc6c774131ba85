/**
 * The supervision requests' rules on a fake media side: who may supervise whom, one supervisor per agent and one
 * agent per supervisor, next-call and intrusion joins, the mode switches of RequestSetMuteOn / RequestSetMuteOff,
 * and the end of monitoring on cancel, call end and logout, each with its events.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MONITOR_MODE_PRIVATE_EVENT } from "@tandem/sdk";
import { nextMode } from "../../plugins/supervision/src/mode-rules.js";
import { NOT_SUPERVISOR, serviceFixture, settle, SUPERVISOR } from "./support/service-fixture.js";

const monitor = (dn: string, agentDn: string, referenceId = "m1", extra: Record<string, unknown> = {}) => ({ dn, agentDn, referenceId, requester: SUPERVISOR, ...extra });

describe("permissions and scope", { timeout: 300_000 }, () => {
  it("a token not marked supervisor is refused whatever it asks", async () => {
    const f = serviceFixture();
    f.agent("1001", "Ready");
    await assert.rejects(f.service.monitorNextCall({ ...monitor("2001", "1001"), requester: NOT_SUPERVISOR }), { code: "TANDEM_ERR_SUPERVISION_NOT_SUPERVISOR" });
    await assert.rejects(f.service.setMuteOff({ dn: "2001", referenceId: "x", requester: NOT_SUPERVISOR }), { code: "TANDEM_ERR_SUPERVISION_NOT_SUPERVISOR" });
    await assert.rejects(f.service.cancelMonitoring({ dn: "2001", referenceId: "x", requester: NOT_SUPERVISOR }), { code: "TANDEM_ERR_SUPERVISION_NOT_SUPERVISOR" });
    assert.deepEqual(f.bus.events, []);
  });

  it("an agent outside every team of the supervisor is refused; a queue team may monitor any agent's routed calls", async () => {
    const f = serviceFixture();
    f.agent("1003", "Ready");
    await assert.rejects(f.service.monitorNextCall(monitor("2001", "1003")), { code: "TANDEM_ERR_SUPERVISION_OUT_OF_SCOPE" });
    await assert.rejects(f.service.monitorNextCall(monitor("2999", "1003")), { code: "TANDEM_ERR_SUPERVISION_OUT_OF_SCOPE" });
    const info = await f.service.monitorNextCall(monitor("2003", "1003"));
    assert.equal(info.state, "waiting");
    // Only a call that came through the team's queue is joined.
    f.bus.emit("EventEstablished", { dn: "1003", connId: "c-other", data: { dnis: "7100", dns: ["1003"] } });
    f.bus.emit("EventEstablished", { dn: "1003", connId: "c-sales", data: { dnis: "7000", dns: ["1003"] } });
    await settle();
    assert.deepEqual(f.joiner.calls, ["join 2003 c-sales mute"]);
  });

  it("a logged-out agent cannot be monitored", async () => {
    const f = serviceFixture();
    f.agent("1001", "LoggedOut");
    await assert.rejects(f.service.monitorNextCall(monitor("2001", "1001")), { code: "TANDEM_ERR_SUPERVISION_NOT_LOGGED_IN" });
  });

  it("one supervisor per agent (unless configured) and one agent per supervisor", async () => {
    const f = serviceFixture();
    f.agent("1001", "Ready");
    f.agent("1002", "Ready");
    await f.service.monitorNextCall(monitor("2001", "1001"));
    await assert.rejects(f.service.monitorNextCall(monitor("2002", "1001")), { code: "TANDEM_ERR_SUPERVISION_AGENT_TAKEN" });
    await assert.rejects(f.service.monitorNextCall(monitor("2001", "1002")), { code: "TANDEM_ERR_SUPERVISION_SUPERVISOR_BUSY" });
    const two = serviceFixture({ maxSupervisorsPerAgent: 2 });
    two.agent("1001", "Ready");
    await two.service.monitorNextCall(monitor("2001", "1001"));
    await two.service.monitorNextCall(monitor("2002", "1001"));
    assert.equal(two.service.list().length, 2);
  });

  it("a mode the MCU adapter lacks is refused with the adapter's name", async () => {
    const f = serviceFixture();
    f.agent("1001", "Ready");
    f.joiner.modes = ["mute", "connect"];
    await assert.rejects(f.service.monitorNextCall(monitor("2001", "1001", "m1", { mode: "coach" })), (err: Error & { code?: string }) => {
      assert.equal(err.code, "TANDEM_ERR_SUPERVISION_MODE_UNSUPPORTED");
      assert.match(err.message, /fake-mcu/);
      return true;
    });
    await f.service.monitorNextCall(monitor("2001", "1001"));
    await assert.rejects(f.service.setMuteOff({ dn: "2001", referenceId: "s1", requester: SUPERVISOR, mode: "coach" }), { code: "TANDEM_ERR_SUPERVISION_MODE_UNSUPPORTED" });
  });
});

describe("monitoring the next call", { timeout: 300_000 }, () => {
  it("EventMonitoringNextCall to both DNs; the agent's next call is joined; EventPartyAdded; the call's end ends a one-call monitoring", async () => {
    const f = serviceFixture();
    f.agent("1001", "Ready");
    const info = await f.service.monitorNextCall(monitor("2001", "1001"));
    assert.deepEqual({ ...info, since: "" }, { supervisorDn: "2001", agentDn: "1001", monitorType: "one-call", scope: "call", mode: "mute", state: "waiting", since: "" });
    assert.deepEqual(f.bus.names("m1"), ["EventMonitoringNextCall@2001", "EventMonitoringNextCall@1001"]);
    f.bus.emit("EventEstablished", { dn: "1001", connId: "c1", data: { dnis: "7000", dns: ["1001"] } });
    await settle();
    assert.deepEqual(f.joiner.calls, ["join 2001 c1 mute"]);
    assert.deepEqual(f.bus.names().slice(-2), ["EventPartyAdded@2001", "EventPartyAdded@1001"]);
    const added = f.bus.events.at(-1);
    assert.equal(added?.connId, "c1");
    assert.equal(added?.data["otherDn"], "2001");
    assert.equal(f.service.list()[0]?.state, "active");
    f.joiner.gone.get("2001")?.("call-ended");
    assert.deepEqual(f.bus.names().slice(-4), ["EventPartyDeleted@2001", "EventPartyDeleted@1001", "EventMonitoringCancelled@2001", "EventMonitoringCancelled@1001"]);
    assert.equal(f.bus.events.at(-1)?.data["cause"], "call-ended");
    assert.deepEqual(f.service.list(), []);
  });

  it("all-calls monitoring waits for the next call after each call", async () => {
    const f = serviceFixture();
    f.agent("1001", "Ready");
    await f.service.monitorNextCall(monitor("2001", "1001", "m1", { monitorType: "all-calls", mode: "connect" }));
    f.bus.emit("EventEstablished", { dn: "1001", connId: "c1", data: { dns: ["1001"] } });
    await settle();
    f.joiner.gone.get("2001")?.("call-ended");
    assert.equal(f.service.list()[0]?.state, "waiting");
    f.bus.emit("EventEstablished", { dn: "1001", connId: "c2", data: { dns: ["1001"] } });
    await settle();
    assert.deepEqual(f.joiner.calls, ["join 2001 c1 connect", "join 2001 c2 connect"]);
  });

  it("a call between the supervisor and the agent is not monitored", async () => {
    const f = serviceFixture();
    f.agent("1001", "Ready");
    await f.service.monitorNextCall(monitor("2001", "1001"));
    f.bus.emit("EventEstablished", { dn: "1001", connId: "c1", data: { dns: ["1001", "2001"] } });
    await settle();
    assert.deepEqual(f.joiner.calls, []);
  });

  it("intrusion joins the call in progress; with intrusionEnabled false the next call is waited for", async () => {
    const f = serviceFixture();
    f.agent("1001", "Busy", ["c-now"]);
    const info = await f.service.monitorNextCall(monitor("2001", "1001"));
    assert.equal(info.state, "active");
    assert.equal(info.connId, "c-now");
    await settle();
    assert.deepEqual(f.joiner.calls, ["join 2001 c-now mute"]);
    const off = serviceFixture({ intrusionEnabled: false });
    off.agent("1001", "Busy", ["c-now"]);
    assert.equal((await off.service.monitorNextCall(monitor("2001", "1001"))).state, "waiting");
    await settle();
    assert.deepEqual(off.joiner.calls, []);
  });

  it("a supervisor that does not answer gets EventError; a one-call monitoring ends", async () => {
    const f = serviceFixture();
    f.agent("1001", "Busy", ["c1"]);
    f.joiner.failJoin = Object.assign(new Error("SIP 480"), { code: "TANDEM_ERR_CALL_CONTROL_SIP_FAILED" });
    await f.service.monitorNextCall(monitor("2001", "1001"));
    await settle();
    const error = f.bus.events.find((e) => e.name === "EventError");
    assert.equal(error?.dn, "2001");
    assert.equal(error?.data["code"], "TANDEM_ERR_CALL_CONTROL_SIP_FAILED");
    assert.equal(f.bus.events.at(-1)?.name, "EventMonitoringCancelled");
    assert.equal(f.bus.events.at(-1)?.data["cause"], "join-failed");
    assert.deepEqual(f.service.list(), []);
  });

  it("scope agent: the supervisor leaves when the agent leaves the call; scope call stays", async () => {
    const f = serviceFixture();
    f.agent("1001", "Busy", ["c1"]);
    f.agent("1002", "Busy", ["c1"]);
    await f.service.monitorNextCall(monitor("2001", "1001", "m1", { scope: "agent" }));
    await f.service.monitorNextCall(monitor("2002", "1002", "m2", { scope: "call" }));
    await settle();
    f.bus.emit("EventReleased", { dn: "1001", connId: "c1", data: {} });
    f.bus.emit("EventReleased", { dn: "1002", connId: "c1", data: {} });
    await settle();
    assert.deepEqual(f.joiner.calls.filter((c) => c.startsWith("leave")), ["leave 2001"]);
    assert.deepEqual(f.service.list().map((m) => m.supervisorDn), ["2002"]);
  });
});

describe("ending monitoring", { timeout: 300_000 }, () => {
  it("RequestCancelMonitoring takes the supervisor off the call with its events", async () => {
    const f = serviceFixture();
    f.agent("1001", "Busy", ["c1"]);
    await f.service.monitorNextCall(monitor("2001", "1001"));
    await settle();
    await f.service.cancelMonitoring({ dn: "2001", referenceId: "x1", requester: SUPERVISOR });
    assert.deepEqual(f.joiner.calls, ["join 2001 c1 mute", "leave 2001"]);
    assert.deepEqual(f.bus.names("x1"), ["EventPartyDeleted@2001", "EventPartyDeleted@1001", "EventMonitoringCancelled@2001", "EventMonitoringCancelled@1001"]);
    await assert.rejects(f.service.cancelMonitoring({ dn: "2001", referenceId: "x2", requester: SUPERVISOR }), { code: "TANDEM_ERR_SUPERVISION_NOT_MONITORING" });
  });

  it("either DN logging out ends the monitoring", async () => {
    for (const who of ["1001", "2001"]) {
      const f = serviceFixture();
      f.agent("1001", "Ready");
      await f.service.monitorNextCall(monitor("2001", "1001"));
      f.bus.emit("EventAgentLogout", { dn: who, data: {} });
      await settle();
      assert.deepEqual(f.service.list(), [], `logout of ${who}`);
      assert.equal(f.bus.events.at(-1)?.data["cause"], "logout");
    }
  });

  it("a cancel while the supervisor's phone rings never reports the supervisor added", async () => {
    const f = serviceFixture();
    f.agent("1001", "Busy", ["c1"]);
    let answer: () => void = () => {};
    f.joiner.answer = new Promise((resolve) => (answer = resolve));
    await f.service.monitorNextCall(monitor("2001", "1001"));
    await f.service.cancelMonitoring({ dn: "2001", referenceId: "x1", requester: SUPERVISOR });
    answer();
    await settle();
    assert.ok(!f.bus.events.some((e) => e.name === "EventPartyAdded"));
    assert.deepEqual(f.bus.names("x1"), ["EventMonitoringCancelled@2001", "EventMonitoringCancelled@1001"]);
  });
});

describe("mode switches", { timeout: 300_000 }, () => {
  it("follow Genesys' rules: MuteOff → connect, MuteOn → mute, coach from mute (MuteOff) or connect (MuteOn)", () => {
    assert.equal(nextMode("mute", "RequestSetMuteOff", false), "connect");
    assert.equal(nextMode("connect", "RequestSetMuteOn", false), "mute");
    assert.equal(nextMode("coach", "RequestSetMuteOn", false), "mute");
    assert.equal(nextMode("coach", "RequestSetMuteOff", false), "connect");
    assert.equal(nextMode("mute", "RequestSetMuteOff", true), "coach");
    assert.equal(nextMode("connect", "RequestSetMuteOn", true), "coach");
    assert.equal(nextMode("mute", "RequestSetMuteOn", true), undefined);
    assert.equal(nextMode("connect", "RequestSetMuteOff", true), undefined);
    assert.equal(nextMode("coach", "RequestSetMuteOff", true), "coach");
  });

  it("a switch on a joined supervisor changes the room mode and emits EventPrivateInfo 4024 with MonitorMode", async () => {
    const f = serviceFixture();
    f.agent("1001", "Busy", ["c1"]);
    await f.service.monitorNextCall(monitor("2001", "1001"));
    await settle();
    const coach = await f.service.setMuteOff({ dn: "2001", referenceId: "s1", requester: SUPERVISOR, mode: "coach" });
    assert.equal(coach.mode, "coach");
    const events = f.bus.events.filter((e) => e.referenceId === "s1");
    assert.deepEqual(events.map((e) => `${e.name}@${e.dn}`), ["EventPrivateInfo@2001", "EventPrivateInfo@1001"]);
    assert.equal(events[0]?.data["privateEventId"], MONITOR_MODE_PRIVATE_EVENT);
    assert.equal(events[0]?.data["MonitorMode"], "coach");
    assert.equal(events[0]?.data["previousMode"], "mute");
    assert.equal((await f.service.setMuteOff({ dn: "2001", referenceId: "s2", requester: SUPERVISOR })).mode, "connect");
    await assert.rejects(f.service.setMuteOff({ dn: "2001", referenceId: "s3", requester: SUPERVISOR, mode: "coach" }), { code: "TANDEM_ERR_SUPERVISION_BAD_MODE_SWITCH" });
    assert.equal((await f.service.setMuteOn({ dn: "2001", referenceId: "s4", requester: SUPERVISOR })).mode, "mute");
    assert.deepEqual(f.joiner.calls, ["join 2001 c1 mute", "mode 2001 coach", "mode 2001 connect", "mode 2001 mute"]);
  });

  it("a switch while waiting only sets the mode the next call is joined in", async () => {
    const f = serviceFixture();
    f.agent("1001", "Ready");
    await f.service.monitorNextCall(monitor("2001", "1001"));
    await f.service.setMuteOff({ dn: "2001", referenceId: "s1", requester: SUPERVISOR });
    f.bus.emit("EventEstablished", { dn: "1001", connId: "c1", data: { dns: ["1001"] } });
    await settle();
    assert.deepEqual(f.joiner.calls, ["join 2001 c1 connect"]);
    await assert.rejects(f.service.setMuteOn({ dn: "2002", referenceId: "s2", requester: SUPERVISOR }), { code: "TANDEM_ERR_SUPERVISION_NOT_MONITORING" });
  });
});
