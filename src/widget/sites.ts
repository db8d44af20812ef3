import { z } from "zod";

/**
 * SILOOS_WIDGET_SITES: the sites allowed to embed the widget.
 * { "<site id>": { "origins": ["https://shop.example"], "secret": "<identity key>", "intent": "general" } }
 */
const SiteSchema = z.object({
  origins: z.array(z.string().url()).min(1),
  secret: z.string().min(32),
  intent: z.string().default("general"),
});
export type Site = z.infer<typeof SiteSchema>;
const SitesSchema = z.record(z.string().regex(/^[a-z0-9-]{2,40}$/), SiteSchema);

const cache = new Map<string, Record<string, Site>>();

export function widgetSites(raw: string | undefined): Record<string, Site> {
  const key = raw ?? "";
  let sites = cache.get(key);
  if (!sites) {
    const parsed = SitesSchema.safeParse(raw ? JSON.parse(raw) : {});
    if (!parsed.success) throw new Error("SILOOS_WIDGET_SITES is not a valid site map");
    sites = parsed.data;
    cache.set(key, sites);
  }
  return sites;
}

export function originAllowed(site: Site, origin: string | undefined): boolean {
  return origin !== undefined && Array.isArray(site.origins) && site.origins.includes(origin);
}

/** A configured site by name: own keys only, so `constructor` or `__proto__` is simply unknown. */
export function findSite(sites: Record<string, Site>, name: string): Site | undefined {
  return Object.hasOwn(sites, name) ? sites[name] : undefined;
}
