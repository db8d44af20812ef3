import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshot } from "../support/browser.ts";
import { APPROVAL, HOSTILE, PUPPET, useSystem } from "../support/system.ts";

/**
 * The approvals view in a real browser (docs/approvals.md): the README's
 * story. The agent asks for 700 with a 500 limit; the proxy holds it; carol,
 * a supervisor, opens the view, reads the tokenized call, the conversation
 * and the procedure, approves; the refund runs once and the customer is told.
 */
const t = useSystem({ extraAgents: [HOSTILE, PUPPET, APPROVAL] });
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

describe("the approvals view in a real browser", () => {
  it("a supervisor sees the held 700 refund with its tokenized call and approves it; support does not see it", async () => {
    const task = await t.createTask({
      agent: "approval-agent",
      subject: { customerId: "cus_1001" },
      message:
        "Hi, Maria Alvarez here (maria.alvarez@example.com). My desk arrived cracked: please refund the 700 USD for ord_5001.",
    });
    expect(task.reply).toContain("needs a supervisor's approval");

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(new URL("/console/", t.sys.url).href);
    await page.fill("#username", "alice");
    await page.fill("#password", "alice-demo-password");
    await page.click("#signin button[type=submit]");
    await expect.poll(() => page.textContent("#approvals-role")).toBe("support");
    expect(await page.locator("#approvals tr[data-action]").count()).toBe(0);
    await page.click("#signout");

    await page.locator("#signin").waitFor();
    await page.fill("#username", "carol");
    await page.fill("#password", "carol-demo-password");
    await page.click("#signin button[type=submit]");
    const row = page.locator("#approvals tr[data-action]", { hasText: task.taskId });
    await row.waitFor();
    expect(await row.textContent()).toContain('refund.issue {"orderId":"ord_5001","amount":700,"currency":"USD"');
    await row.getByRole("button", { name: "Details" }).click();
    const details = page.locator(`#approvals tr[data-details="${await row.getAttribute("data-action")}"]`);
    await details.waitFor();
    const shown = (await details.textContent()) ?? "";
    expect(shown).toContain("[NAME_1]");
    expect(shown).toContain("Refund agent: operating procedure");
    expect(shown).not.toMatch(/Maria|Alvarez|maria\.alvarez/);
    await screenshot(page, "approvals-1-held");

    await row.locator("input.pick").check();
    await page.click("#approve-selected");
    const outcome = page.locator("#approval-outcomes li.approved");
    await outcome.waitFor();
    expect(await outcome.textContent()).toMatch(/approved: ref_/);
    await expect.poll(() => row.count()).toBe(0);
    await screenshot(page, "approvals-2-approved");
    await page.close();

    const refunds = await (await t.sys.db())
      .prepare("SELECT amount_cents, actor FROM refunds WHERE task_id = ?")
      .bind(task.taskId)
      .all();
    expect(refunds.results).toEqual([{ amount_cents: 70000, actor: "agent:approval-agent" }]);
    const told = await t.api(`/v1/tasks/${task.taskId}`);
    expect(told.body.replies.at(-1)).toContain("your refund of 700.00 USD for order ord_5001 has been approved");
    expect((await t.audit(task.taskId)).filter((e) => e.event === "approval.approved").map((e) => e.actor)).toEqual([
      "human:op_carol",
    ]);
  });
});
