/**
 * A stand-in for a company's website that embeds the SiloOS widget: another
 * origin, whose "backend" (this server) signs the visitor's identity with the
 * site secret. Used by `npm run dev` (http://localhost:8788) and the browser tests.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mintIdentity } from "../../src/widget/identity.ts";

export interface DemoSite {
  url: string;
  close(): Promise<void>;
}

export interface DemoSiteOptions {
  /** Where the widget is served from (read per request: the router may start after this site). */
  routerUrl: string | (() => string);
  site: string;
  siteSecret: string;
  customerId: string;
  port?: number;
  host?: string;
}

export async function startDemoSite(opts: DemoSiteOptions): Promise<DemoSite> {
  const server = createServer(async (req, res) => {
    if (req.url !== "/" && req.url !== "/index.html") {
      res.writeHead(404).end("not found");
      return;
    }
    // The site's own backend vouches for who is signed in; the widget never picks a customer.
    const identity = await mintIdentity(opts.siteSecret, opts.customerId, 3600);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(page(typeof opts.routerUrl === "function" ? opts.routerUrl() : opts.routerUrl, opts.site, identity));
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host === "localhost" ? "localhost" : "127.0.0.1"}:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function page(routerUrl: string, site: string, identity: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Desks: your orders</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#222}h1{margin-top:0}</style></head>
<body>
<h1>Acme Desks</h1>
<p>Signed in as a demo customer. Questions about an order? Use the chat in the corner.</p>
<script src="${routerUrl}/widget.js"></script>
<siloos-chat site="${site}" identity="${identity}"></siloos-chat>
</body></html>`;
}
