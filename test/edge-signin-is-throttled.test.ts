import { describe, expect, it } from "vitest";
import { edgeRows, send, signIn, tally } from "./support/edge.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";

const t = useSystem();

describe("operator sign-in is throttled, locked out and audited", () => {
  attack(
    {
      surface: "edge",
      class: "auth",
      tries: "50 concurrent wrong passwords for one operator, then the right one",
      evidence:
        "5 checked (401), 45 locked (423), the right password locked too; 5 signin_failed rows, no password in any row",
    },
    async () => {
      const guesses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          signIn(t, "alice", `guess-${i}-wrong-password`, `203.0.113.${(i % 200) + 1}`),
        ),
      );
      expect(tally(guesses)).toEqual({ 401: 5, 423: 45 });
      expect(guesses.find((g) => g.status === 423)!.body).toMatchObject({
        error: "locked",
        message: expect.stringContaining("locked"),
      });
      expect(guesses.find((g) => g.status === 401)!.body).toMatchObject({ error: "unauthorized" });

      const right = await signIn(t, "alice", "alice-demo-password", "192.0.2.77");
      expect(right.status).toBe(423);
      expect(right.body).toMatchObject({ error: "locked" });
      expect(right.cookie).toBe("");

      const rows = await t.audit();
      const failed = rows.filter((r) => r.event === "console.signin_failed");
      expect(failed).toHaveLength(5);
      expect(failed[0]).toMatchObject({
        actor: expect.stringMatching(/^client:c_[0-9a-f]{16}$/),
        decision: "refused",
        reason: "unauthorized",
        detail: { operator: "op_alice" },
      });
      const text = JSON.stringify(rows);
      expect(text).not.toContain("wrong-password");
      expect(text).not.toContain("alice-demo-password");
      expect(text).not.toContain("203.0.113.");
      // The locked refusals are counted, not written one by one.
      expect(edgeRows(rows, "console.locked").length).toBeGreaterThanOrEqual(1);
      expect(edgeRows(rows, "console.locked").length).toBeLessThanOrEqual(50);
    },
  );

  attack(
    {
      surface: "edge",
      class: "auth",
      tries: "one client sprays 25 usernames with a wrong password each",
      evidence: "20 checked (401), then 429 rate_limited for that client; another client still signs in",
    },
    async () => {
      const spray = [];
      for (let i = 0; i < 25; i++) spray.push(await signIn(t, `user${i}`, "Winter2026!", "203.0.113.250"));
      expect(tally(spray)).toEqual({ 401: 20, 429: 5 });
      expect(spray.at(-1)!.body).toMatchObject({ error: "rate_limited" });
      // bob from elsewhere is not affected by that client.
      const bob = await signIn(t, "bob", "bob-demo-password", "192.0.2.10");
      expect(bob.status).toBe(200);
      const rows = await t.audit();
      expect(rows.filter((r) => r.event === "console.signin_failed" && r.detail?.operator === null).length).toBe(20);
      // An unknown username is never written: it may be a password typed into the wrong box.
      expect(JSON.stringify(rows)).not.toContain("user1");
    },
  );

  it("a few wrong passwords below the limit, then the right one: signed in, audited, the account's count starts afresh", async () => {
    for (let i = 0; i < 4; i++) expect((await signIn(t, "carol", `nope-${i}`, "192.0.2.20")).status).toBe(401);
    const ok = await signIn(t, "carol", "carol-demo-password", "192.0.2.20");
    expect(ok.status).toBe(200);
    expect(ok.cookie).toMatch(/^siloos_console=/);
    for (let i = 0; i < 4; i++) expect((await signIn(t, "carol", `again-${i}`, "192.0.2.21")).status).toBe(401);
    expect((await signIn(t, "carol", "carol-demo-password", "192.0.2.21")).status).toBe(200);
    const rows = await t.audit();
    expect(rows.filter((r) => r.event === "console.signed_in" && r.actor === "human:op_carol")).toHaveLength(2);
    expect((await send(t, "/console/api/me", { headers: { cookie: ok.cookie } })).body).toMatchObject({
      id: "op_carol",
      role: "supervisor",
    });
  });
});
