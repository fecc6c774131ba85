/** Checks the suite shares: a coded refusal (one naming the adapter for what it declares absent), a released UDP port, and the scratch files of a case. */
import { AssertionError } from "node:assert";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { McuErrors } from "../../mcu-errors.js";

/** Awaits `action` and checks it was refused with the coded error `code` (`TANDEM_ERR_MCU_…`). */
export async function expectRefusal(action: () => Promise<unknown>, code: string, what: string): Promise<void> {
  let outcome: unknown;
  try {
    await action();
  } catch (error) {
    outcome = error;
  }
  const got = outcome instanceof Error ? (outcome as Error & { code?: string }).code : undefined;
  if (got !== code) {
    const saw = outcome === undefined ? "it was accepted" : `got ${got ?? "an error without a code"}: ${outcome instanceof Error ? outcome.message : String(outcome)}`;
    throw new AssertionError({ message: `${what} must be refused with ${code}; ${saw}` });
  }
}

/**
 * Checks `action` was refused with `TANDEM_ERR_MCU_UNSUPPORTED` naming the adapter, as the contract asks of
 * anything an adapter declares it cannot do.
 */
export async function expectUnsupported(adapterName: string, action: () => Promise<unknown>, what: string): Promise<void> {
  let message = "";
  await expectRefusal(
    () =>
      action().catch((error: unknown) => {
        message = error instanceof Error ? error.message : String(error);
        throw error;
      }),
    McuErrors.unsupported.code,
    what,
  );
  if (!message.includes(adapterName)) throw new AssertionError({ message: `${what} must be refused naming the adapter ${adapterName}; got: ${message}` });
}

function bindable(address: string, port: number): Promise<boolean> {
  const socket = createSocket("udp4");
  return new Promise((resolve) => {
    socket.once("error", () => resolve(false));
    socket.bind(port, address, () => socket.close(() => resolve(true)));
  });
}

/** Checks, within `withinMs`, that nothing holds UDP `port` on `address` any more. */
export async function expectPortReleased(address: string, port: number, what: string, withinMs = 1000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await bindable(address, port))) {
    if (Date.now() > deadline) throw new AssertionError({ message: `${what}: port ${address}:${port} still held ${withinMs} ms later` });
    await delay(20);
  }
}

/** A scratch folder for one case's files, removed by `dispose`. */
export function scratchFolder(): { path: string; dispose(): void } {
  const path = mkdtempSync(join(tmpdir(), "mcu-conformance-"));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

/** Polls `predicate` every 20 ms; rejects with an AssertionError naming `what` after `timeoutMs`. */
export async function eventually(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new AssertionError({ message: `${what}: not within ${timeoutMs} ms` });
    await delay(20);
  }
}
