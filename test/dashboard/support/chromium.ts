/**
 * Headless Debian Chromium driven by playwright-core (no browser download: the system's /usr/bin/chromium,
 * which test/run.sh installs when missing), with a fresh profile per launch and no background traffic.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** A browser context on a fresh profile (playwright passes the profile as --user-data-dir); closed after the test. */
export async function launchChromium(t: TestContext): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), "tandem-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1400, height: 1000 },
    timeout: 60_000,
  });
  t.after(async () => {
    await browser.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  });
  return browser;
}
