import { describe, expect, it } from "vitest";
import { assertLinksAllowed, linkedHosts, parseLinkDomains } from "./links.ts";

const ALLOWED = parseLinkDomains(" Shop.example , help.shop.example.,");

describe("links in agent-written replies", () => {
  it("parses the configured domains, lower-cased and trimmed", () => {
    expect(ALLOWED).toEqual(["shop.example", "help.shop.example"]);
    expect(parseLinkDomains(undefined)).toEqual([]);
  });

  it.each([
    ["https://shop.example/returns", ["shop.example"]],
    ["see www.evil.example/login.", ["www.evil.example"]],
    ["reset at evil-bank.example/reset", ["evil-bank.example"]],
    ["https://user:pw@evil.example:8443/x", ["evil.example"]],
    ["HTTPS://EVIL.EXAMPLE", ["evil.example"]],
    ["Refunded 700.00 USD for ord_5001, e.g. within 5 days.", []],
    ["Hello [NAME_1], mail us at [EMAIL_1] or x@evil.example", []],
    ["expected 2026-12-03 at 14:30", []],
  ])("finds the hosts a reader could follow in %j", (text, hosts) => {
    expect(linkedHosts(text)).toEqual(hosts);
  });

  it("allows the organisation's domains and their subdomains only", () => {
    expect(() =>
      assertLinksAllowed("https://shop.example/a and https://help.shop.example/b and https://x.shop.example", ALLOWED),
    ).not.toThrow();
    for (const text of [
      "https://shop.example.attacker.net/",
      "https://shop-example.support",
      "https://evilshop.example",
      "javascript:alert(1)",
      "data:text/html,hi",
    ]) {
      expect(() => assertLinksAllowed(text, ALLOWED), text).toThrow(expect.objectContaining({ code: "link_denied" }));
    }
  });

  it("allows no link at all when no domain is configured", () => {
    expect(() => assertLinksAllowed("https://shop.example/", [])).toThrow(
      expect.objectContaining({ code: "link_denied" }),
    );
    expect(() => assertLinksAllowed("No link here, 5.00 USD.", [])).not.toThrow();
  });
});
