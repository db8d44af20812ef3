import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { z } from "zod";
import { SiloError } from "../../errors/index.ts";
import type { RouterEnv } from "../core/env.ts";

/**
 * Operator sign-in through Cloudflare Access. Access puts a signed JWT in
 * `Cf-Access-Jwt-Assertion` on every request to the protected console; it is
 * verified here against the team's JWKS (<team domain>/cdn-cgi/access/certs),
 * with the team domain as issuer and the application's AUD tag as audience.
 * Never trust the plain `Cf-Access-Authenticated-User-Email` header: anyone
 * can send it to a Worker that is reachable without Access.
 */
export const ACCESS_HEADER = "cf-access-jwt-assertion";

export interface AccessConfig {
  teamDomain: string;
  audience: string;
}

const ConfigSchema = z.object({
  SILOOS_ACCESS_TEAM_DOMAIN: z
    .string()
    .url("SILOOS_ACCESS_TEAM_DOMAIN must be a URL (https://<team>.cloudflareaccess.com)"),
  SILOOS_ACCESS_AUD: z.string().min(16, "SILOOS_ACCESS_AUD must be the Access application's audience tag"),
});

/** Access is on when the team domain is set; half a configuration fails loudly. */
export function accessConfig(env: RouterEnv): AccessConfig | null {
  if (!env.SILOOS_ACCESS_TEAM_DOMAIN && !env.SILOOS_ACCESS_AUD) return null;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success)
    throw new Error(
      `router misconfigured: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  return {
    teamDomain: parsed.data.SILOOS_ACCESS_TEAM_DOMAIN.replace(/\/+$/, ""),
    audience: parsed.data.SILOOS_ACCESS_AUD,
  };
}

// One key set per team domain: jose caches the fetched keys and refetches on an unknown kid.
const keySets = new Map<string, JWTVerifyGetKey>();

function keySet(teamDomain: string): JWTVerifyGetKey {
  let set = keySets.get(teamDomain);
  if (!set) {
    set = createRemoteJWKSet(new URL(`${teamDomain}/cdn-cgi/access/certs`), {
      timeoutDuration: 5000,
      cooldownDuration: 30_000,
    });
    keySets.set(teamDomain, set);
  }
  return set;
}

/** The verified Access identity (its email), or `unauthorized`. */
export async function verifyAccessAssertion(
  config: AccessConfig,
  token: string | undefined,
): Promise<{ email: string }> {
  if (!token) throw new SiloError("unauthorized", `missing ${ACCESS_HEADER}: sign in through Cloudflare Access`);
  try {
    const { payload } = await jwtVerify(token, keySet(config.teamDomain), {
      issuer: config.teamDomain,
      audience: config.audience,
      algorithms: ["RS256"],
      clockTolerance: 30,
    });
    const email = typeof payload.email === "string" ? payload.email.toLowerCase() : "";
    if (!email) throw new SiloError("unauthorized", "the Access token names no user");
    return { email };
  } catch (err) {
    if (err instanceof SiloError) throw err;
    // jose's code (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED …) says why, never the token.
    const code = err && typeof err === "object" && "code" in err ? String((err as { code: unknown }).code) : "ERR_JWKS";
    throw new SiloError("unauthorized", `the Cloudflare Access token was refused (${code})`);
  }
}
