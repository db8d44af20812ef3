/**
 * Real headless Chromium (see chromium.ts for which one), driven by playwright-core.
 * Screenshots go to test-artifacts/ (kept by CI as artifacts).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { ROOT } from "../../tools/local/system.ts";
import { chromiumExecutable } from "./chromium.ts";

export const ARTIFACTS = join(ROOT, "test-artifacts");

export async function launchBrowser(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    // The machine has no network beyond loopback: keep Chromium from trying.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
