/**
 * TLS through the whole stack (RFC 3261 §26.2, §18): two stacks with a self-signed certificate made by
 * openssl in a temporary folder, named by paths relative to that folder (the config file's folder,
 * `SipStackDeps.baseDir`). One calls the other over TLS: INVITE / 200 / ACK, then BYE from either side.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LegEndReason, SipLeg } from "@tandem/sdk";
import { freePort } from "../support/free-port.js";
import { startTestStack, testSdp, type TestStack } from "../support/test-stack.js";

function makeCertificate(dir: string): void {
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
    { cwd: dir, stdio: "ignore" },
  );
}

async function tlsStack(dir: string): Promise<TestStack> {
  const port = await freePort();
  const listen = [{ transport: "tls" as const, host: "127.0.0.1", port, cert: "cert.pem", key: "key.pem", ca: "cert.pem" }];
  const t = await startTestStack({ listen, baseDir: dir });
  return { ...t, port };
}

describe("a call between two stacks over TLS", { timeout: 300_000 }, () => {
  let dir: string;
  let caller: TestStack;
  let callee: TestStack;
  const calleeLegs: SipLeg[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "tandem-tls-"));
    makeCertificate(dir);
    caller = await tlsStack(dir);
    callee = await tlsStack(dir);
    callee.stack.verbs.onInvite(async (invite) => {
      assert.equal(invite.request.source.transport, "tls");
      calleeLegs.push(await invite.accept({ sdp: testSdp(41000) }));
      return true;
    });
  });
  after(async () => {
    await caller?.stack.stop();
    await callee?.stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = async (): Promise<{ leg: SipLeg; peer: SipLeg }> => {
    const before = calleeLegs.length;
    const outbound = caller.stack.verbs.invite({ target: `sip:1001@127.0.0.1:${callee.port};transport=tls`, sdp: testSdp(40000) });
    const leg = await outbound.answered;
    assert.equal(leg.transport, "tls");
    assert.match(leg.remoteSdp ?? "", /m=audio 41000/);
    // The callee's leg exists once our ACK arrived over TLS.
    for (let i = 0; i < 100 && calleeLegs.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    const peer = calleeLegs[before];
    assert.ok(peer, "the callee got the ACK");
    assert.match(peer.remoteSdp ?? "", /m=audio 40000/);
    return { leg, peer };
  };

  it("INVITE/200/ACK, then BYE from the caller", async () => {
    const { leg, peer } = await call();
    const ended = new Promise<LegEndReason>((resolve) => peer.onEnded(resolve));
    await leg.bye();
    assert.deepEqual(await ended, { by: "remote" });
  });

  it("INVITE/200/ACK, then BYE from the callee (a new TLS connection to the caller's Contact)", async () => {
    const { leg, peer } = await call();
    const ended = new Promise<LegEndReason>((resolve) => leg.onEnded(resolve));
    await peer.bye();
    assert.deepEqual(await ended, { by: "remote" });
    assert.equal(caller.stack.stats().dialogs + callee.stack.stats().dialogs, 0);
  });
});
