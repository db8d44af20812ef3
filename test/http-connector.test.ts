import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeCarrier, startFakeCarrier } from "../tools/local/fake-carrier.ts";
import { TAP, useSystem } from "./support/system.ts";

const CARRIER_KEY = "carrier_secret_for_tests_only_123";
let carrier: FakeCarrier;
beforeAll(async () => {
  carrier = await startFakeCarrier(CARRIER_KEY);
});
afterAll(async () => carrier?.close());

const t = useSystem({
  tap: { scriptPath: TAP, agents: ["refund-agent"] },
  get proxyVars() {
    return { SHIPPING_API_URL: carrier.url, SHIPPING_API_KEY: CARRIER_KEY };
  },
});

describe("the HTTP connector: an external API behind the proxy, with a secret only the proxy holds", () => {
  it("a shipped order is tracked through the carrier over real HTTP, tokenized for the agent", async () => {
    const task = await t.createTask({
      intent: "refund",
      subject: { customerId: "cus_1003" },
      message: "I want a refund for my keyboard, ord_5004, it has not arrived",
    });
    expect(task.outcome).toBe("completed");
    expect(task.reply).toContain("in_transit");
    expect(task.reply).toContain("2026-11-26");
    expect(task.reply).toContain("Yuki Tanaka");

    expect(carrier.requests).toContainEqual({
      method: "GET",
      path: "/v1/shipments/ord_5004",
      authorization: `Bearer ${CARRIER_KEY}`,
    });
    const seen = JSON.stringify(await t.tapped("refund-agent"));
    expect(seen).toContain("NXD-20261120-0042");
    expect(seen).not.toContain(CARRIER_KEY);
    for (const raw of ["Yuki", "Tanaka", "Shibakoen", "5555 0147"]) expect(seen).not.toContain(raw);
    const refunds = await (await t.sys.db())
      .prepare("SELECT COUNT(*) AS n FROM refunds WHERE task_id = ?")
      .bind(task.taskId)
      .first<{ n: number }>();
    expect(refunds?.n).toBe(0);
  });

  it("scope holds for the connector too, and carrier failures fail closed", async () => {
    await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1001" }, message: "hi" });
    const track = (orderId: string) => t.puppet({ attack: "replay", op: "shipment.track", args: { orderId } });
    expect(await track("ord_5004")).toMatchObject({ ok: false, error: "scope_denied" });
    expect(await track("ord_5001")).toMatchObject({
      ok: true,
      result: {
        recipient: "[NAME_1]",
        address: "[ADDRESS_1]",
        status: "delivered",
        notes: "Signed for by [NAME_1]. Box corner crushed on arrival.",
      },
    });
    expect(await track("ord_5002")).toMatchObject({ ok: false, error: "unknown_record" });
    carrier.down = true;
    try {
      expect(await track("ord_5001")).toMatchObject({ ok: false, error: "store_unavailable" });
    } finally {
      carrier.down = false;
    }
    const last = (await t.audit()).filter((e) => e.op === "shipment.track").at(-1);
    expect(last).toMatchObject({ decision: "refused", reason: "store_unavailable" });
  });
});
