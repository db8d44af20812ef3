import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "../support/browser.ts";
import { setAgentStatus } from "../support/console.ts";
import { useSystem } from "../support/system.ts";

const t = useSystem();
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

describe("the operator console in a real browser", () => {
  it("sign in, take a queued task, refund within the limit, see the over-limit refusal, complete", async () => {
    await setAgentStatus(t, "refund-agent", "offline");
    const task = await t.createTask({
      intent: "refund",
      subject: { customerId: "cus_1002" },
      message: "Hi, Kwame Mensah here. My espresso machine leaks: please refund ord_5003.",
    });
    await setAgentStatus(t, "refund-agent", "online");
    expect(task.status).toBe("queued_human");

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(new URL("/console/", t.sys.url).href);
    await page.fill("#username", "alice");
    await page.fill("#password", "wrong-password");
    await page.click("#signin button[type=submit]");
    await expect.poll(() => page.textContent("#signin-error")).toContain("wrong password");

    await page.fill("#password", "alice-demo-password");
    await page.click("#signin button[type=submit]");
    const row = page.locator(`#queue tr[data-task="${task.taskId}"]`);
    await row.waitFor();
    expect(await page.textContent("#who-name")).toBe("Alice Moreau");
    await screenshot(page, "console-1-queue");

    await row.getByRole("button", { name: "Take" }).click();
    await page.locator("#task-card").waitFor();
    await expect.poll(() => page.textContent("#transcript")).toContain("[NAME_1]");
    expect(await page.textContent("#transcript")).not.toContain("Kwame");
    expect(await page.textContent("#instructions")).toContain("Refund agent: operating procedure");
    await screenshot(page, "console-2-task");

    const refund = page.locator('form[data-op="refund.issue"]');
    await refund.locator('[name="orderId"]').fill("ord_5003");
    await refund.locator('[name="amount"]').fill("120");
    await refund.locator('[name="currency"]').fill("USD");
    await refund.locator('[name="reason"]').fill("machine leaks");
    await refund.getByRole("button", { name: "Run" }).click();
    await page.locator("#results li.allowed", { hasText: "refund.issue" }).waitFor();

    await refund.locator('[name="amount"]').fill("5000");
    await refund.getByRole("button", { name: "Run" }).click();
    const refused = page.locator('#results li.refused[data-error="limit_exceeded"]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain("limit");
    await screenshot(page, "console-3-refused");

    await page.click("#complete");
    await expect.poll(() => page.textContent("#task-status")).toBe("completed");
    await screenshot(page, "console-4-completed");
    await page.close();

    const refunds = await (await t.sys.db())
      .prepare("SELECT amount_cents, actor FROM refunds WHERE task_id = ?")
      .bind(task.taskId)
      .all();
    expect(refunds.results).toEqual([{ amount_cents: 12000, actor: "human:op_alice" }]);
  });

  it("the console page without a session shows only the sign-in", async () => {
    const page = await browser.newPage();
    await page.goto(new URL("/console/", t.sys.url).href);
    await page.locator("#signin").waitFor();
    expect(await page.isVisible("#app-view")).toBe(false);
    await page.close();
  });
});
