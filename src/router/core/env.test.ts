import { describe, expect, it } from "vitest";
import { type RouterEnv, routerConfig } from "./env.ts";

// The router's secrets, each one purpose: a widget without its own secret fails closed, loudly, by name.
const base = {
  SILOOS_API_KEY: "sk_live_0123456789abcdef",
  SILOOS_ADMIN_KEY: "sk_admin_0123456789abcdef",
  SILOOS_SIGNING_KEYS: "[]",
  SILOOS_AUDIT_KEY: "audit-key-0123456789abcdef-0123456789",
  SILOOS_OPERATOR_SECRET: "operator-secret-0123456789abcdef-0123",
};
const env = (extra: Record<string, string>) => ({ ...base, ...extra }) as unknown as RouterEnv;
const SITES = JSON.stringify({ demo: { origins: ["https://shop.example"], secret: "s".repeat(32) } });

describe("router secrets: one per purpose", () => {
  it("widget sites without SILOOS_WIDGET_SECRET: the router refuses to run, naming the secret", () => {
    expect(() => routerConfig(env({ SILOOS_WIDGET_SITES: SITES }))).toThrow(/SILOOS_WIDGET_SECRET must be set/);
  });

  it("a short widget secret, or the operator secret reused, is refused", () => {
    expect(() => routerConfig(env({ SILOOS_WIDGET_SITES: SITES, SILOOS_WIDGET_SECRET: "short" }))).toThrow(
      /at least 32 characters/,
    );
    expect(() =>
      routerConfig(env({ SILOOS_WIDGET_SITES: SITES, SILOOS_WIDGET_SECRET: base.SILOOS_OPERATOR_SECRET })),
    ).toThrow(/must differ from SILOOS_OPERATOR_SECRET/);
  });

  it("its own secret, or no widget at all, is fine; no secret value appears in an error", () => {
    expect(
      routerConfig(env({ SILOOS_WIDGET_SITES: SITES, SILOOS_WIDGET_SECRET: "widget-secret-0123456789abcdef-0123" }))
        .SILOOS_WIDGET_SECRET,
    ).toBe("widget-secret-0123456789abcdef-0123");
    expect(routerConfig(env({})).SILOOS_WIDGET_SECRET).toBeUndefined();
    const message = (() => {
      try {
        routerConfig(env({ SILOOS_WIDGET_SITES: SITES, SILOOS_WIDGET_SECRET: base.SILOOS_OPERATOR_SECRET }));
        return "";
      } catch (e) {
        return String(e);
      }
    })();
    expect(message).toContain("router misconfigured");
    expect(message).not.toContain(base.SILOOS_OPERATOR_SECRET);
  });
});
