import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoSite } from "../../tools/local/demo-site.ts";
import { launchBrowser, screenshot } from "../support/browser.ts";
import { useSystem } from "../support/system.ts";
import { demoSites, sitesConfig } from "../support/widget.ts";

let sites: { allowed: DemoSite; denied: DemoSite };
let browser: Browser;
beforeAll(async () => {
  sites = await demoSites(() => t.sys.url.origin);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sites?.allowed.close();
  await sites?.denied.close();
});

const t = useSystem({
  get routerVars() {
    return { SILOOS_WIDGET_SITES: sitesConfig(sites.allowed.url) };
  },
});

describe("the chat widget embedded on another origin, in a real browser", () => {
  it("holds a conversation end to end, and a reload resumes it", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(`${sites.allowed.url}/`);
    await page.locator('siloos-chat[data-state="ready"]').waitFor();
    await page.locator("siloos-chat input").fill("Hello! My headphones stopped working, please refund ord_5002.");
    const sent = Date.now();
    await page.locator("siloos-chat button").click();
    const reply = page.locator("siloos-chat li.agent", { hasText: "refunded" });
    await reply.waitFor();
    console.log(`widget: first streamed reply after ${Date.now() - sent} ms`);
    expect(await reply.textContent()).toContain("Hello Maria Alvarez, I have refunded 249.00 USD for order ord_5002");
    await screenshot(page, "widget-1-conversation");

    await page.reload();
    await page.locator('siloos-chat[data-state="resumed"]').waitFor();
    expect(await page.locator("siloos-chat li.customer").count()).toBe(1);
    expect(await page.locator("siloos-chat li.agent").last().textContent()).toContain("Maria Alvarez");
    await screenshot(page, "widget-2-resumed");
    await page.close();
  });

  it("refuses to run on an origin the site did not allow", async () => {
    const page = await browser.newPage();
    await page.goto(`${sites.denied.url}/`);
    await expect.poll(() => page.locator("siloos-chat").getAttribute("data-error")).toBeTruthy();
    expect(await page.locator("siloos-chat").getAttribute("data-state")).toBeNull();
    await screenshot(page, "widget-3-denied-origin");
    await page.close();
  });
});
