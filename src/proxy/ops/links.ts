import { SiloError } from "../../errors/index.ts";

/**
 * Links in agent-written replies: only to the organisation's own domains
 * (SILOOS_LINK_DOMAINS, comma-separated; none when unset), so a hijacked
 * model cannot send the customer a phishing link in the organisation's
 * name. A subdomain of an allowed domain is allowed; a look-alike is not.
 */
const SCHEME_URL = /\b[a-z][a-z0-9+.-]{1,20}:\/\/([^\s<>"'`]+)/gi;
const WWW = /(?<![\w.-])(www\.[^\s<>"'`/?#]+)/gi;
// A bare host: labels, a dot, a letters-only top-level label, not part of an email address or a longer word.
const BARE_HOST = /(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})(?![\w@-]|\.[a-z0-9])/gi;
const SCRIPT_SCHEME = /\b(?:javascript|data|mailto|vbscript):/i;

export function parseLinkDomains(raw: string | undefined): string[] {
  return (raw ?? "")
    .split(",")
    .map((d) =>
      d
        .trim()
        .toLowerCase()
        .replace(/^\.+|\.+$/g, ""),
    )
    .filter(Boolean);
}

/** Every host a reader could follow from this text. */
export function linkedHosts(text: string): string[] {
  const hosts: string[] = [];
  for (const m of text.matchAll(SCHEME_URL)) hosts.push(hostOf(m[1]!));
  const rest = text.replace(SCHEME_URL, " ");
  for (const m of rest.matchAll(WWW)) hosts.push(m[1]!.toLowerCase().replace(/[.,;:!)]+$/, ""));
  for (const m of rest.replace(WWW, " ").matchAll(BARE_HOST)) hosts.push(m[1]!.toLowerCase());
  return hosts;
}

function hostOf(afterScheme: string): string {
  const authority = afterScheme.split(/[/?#\\]/)[0]!;
  const host = authority.slice(authority.lastIndexOf("@") + 1).replace(/:\d*$/, "");
  return host.toLowerCase().replace(/[.,;:!)]+$/, "");
}

export function assertLinksAllowed(text: string, allowed: readonly string[]): void {
  const foreign = linkedHosts(text).filter((h) => !allowed.some((d) => h === d || h.endsWith(`.${d}`)));
  if (foreign.length > 0 || SCRIPT_SCHEME.test(text)) {
    throw new SiloError(
      "link_denied",
      `replies may link only to the organisation's domains; ${foreign.length || 1} link(s) elsewhere`,
    );
  }
}
