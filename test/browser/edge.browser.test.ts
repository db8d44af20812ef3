/**
 * The edge in a real browser: the console's CSP holds (the console works under
 * it, injected inline script does not run), no other origin can frame the
 * console or the docs, and a locked sign-in says so on the page.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "../support/browser.ts";
import { attack } from "../support/redteam.ts";
import { useSystem } from "../support/system.ts";

const t = useSystem();
let browser: Browser;
let framer: Server;
let framerUrl = "";
beforeAll(async () => {
  browser = await launchBrowser();
  // Another origin that tries to frame the console and the docs (clickjacking).
  framer = createServer((_req, res) => {
    const router = t.sys.url.origin;
    res.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><h1>Win a prize</h1>
      <iframe id="console" src="${router}/console/" width="800" height="400"></iframe>
      <iframe id="docs" src="${router}/docs/" width="800" height="400"></iframe>`);
  });
  await new Promise<void>((r) => framer.listen(0, "127.0.0.1", r));
  framerUrl = `http://127.0.0.1:${(framer.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (framer ? framer.close(() => r()) : r()));
});

/** CSP violations the page reports, from the moment it loads. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction("__violation", (v: string) => seen.push(v));
  // Strings run in the page (this file is typed for Node, without the DOM).
  await page.addInitScript(
    'document.addEventListener("securitypolicyviolation", (e) => window.__violation(`${e.violatedDirective} ${e.blockedURI}`))',
  );
  return seen;
}

describe("the edge in a real browser", () => {
  attack(
    {
      surface: "edge",
      class: "console",
      tries: "inject an inline script into the signed-in console page",
      evidence: "it does not run, the browser reports a CSP violation; the console itself runs with none",
    },
    async () => {
      const page = await browser.newPage();
      const violations = await watchViolations(page);
      await page.goto(new URL("/console/", t.sys.url).href);
      await page.fill("#username", "carol");
      await page.fill("#password", "carol-demo-password");
      await page.click("#signin button[type=submit]");
      await expect.poll(() => page.textContent("#who-name")).toBe("Carol Lindqvist");
      expect(violations).toEqual([]);
      const ran = await page.evaluate(`(async () => {
        const s = document.createElement("script");
        s.textContent = "window.__pwned = document.cookie + 'x'";
        document.body.append(s);
        await new Promise((r) => setTimeout(r, 100));
        return window.__pwned ?? null;
      })()`);
      expect(ran).toBeNull();
      await expect.poll(() => violations.length).toBeGreaterThan(0);
      expect(violations[0]).toContain("script-src");
      await page.close();
    },
  );

  it("the API reference renders under its CSP, with no violation", async () => {
    const page = await browser.newPage();
    const violations = await watchViolations(page);
    await page.goto(new URL("/docs/", t.sys.url).href);
    await page.locator("#ref h2").first().waitFor();
    expect(await page.locator("#ref details").count()).toBeGreaterThan(20);
    expect(violations).toEqual([]);
    await page.close();
  });

  attack(
    {
      surface: "edge",
      class: "headers",
      tries: "frame the console and the API reference from another origin",
      evidence:
        "both frames blocked by the browser (frame-ancestors 'none' / X-Frame-Options DENY): no console, no docs inside",
    },
    async () => {
      const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
      await page.goto(framerUrl);
      await page.waitForLoadState("load");
      const frames = page.frames().filter((f) => f !== page.mainFrame());
      expect(frames).toHaveLength(2);
      for (const frame of frames) {
        // The page's load event waits for its frames. A blocked frame is an error
        // page: none of the console's or the docs' elements exist in it.
        const inside = await frame.evaluate('document.querySelector("#signin, #ref") !== null').catch(() => false);
        expect(inside).toBe(false);
      }
      await screenshot(page, "edge-framing-blocked");
      await page.close();
    },
  );

  attack(
    {
      surface: "edge",
      class: "console",
      tries: "guess an operator's password in the console until locked, then type the right one",
      evidence: "the page shows the lockout; the right password is refused while locked",
    },
    async () => {
      const page = await browser.newPage();
      await page.goto(new URL("/console/", t.sys.url).href);
      await page.fill("#username", "bob");
      for (let i = 0; i < 6; i++) {
        await page.fill("#password", `guess-${i}`);
        await page.click("#signin button[type=submit]");
        await expect.poll(() => page.textContent("#signin-error")).toMatch(i < 5 ? /wrong password/ : /locked/);
        await page.evaluate('document.querySelector("#signin-error").textContent = ""');
      }
      await page.fill("#password", "bob-demo-password");
      await page.click("#signin button[type=submit]");
      await expect.poll(() => page.textContent("#signin-error")).toMatch(/locked/);
      expect(await page.isVisible("#who-name")).toBe(false);
      await page.close();
    },
  );
});
