import { recordIdSource } from "../contracts/ids.ts";
import { fromBase64url, toBase64url } from "../crypto/encoding.ts";
import { hmacSign, hmacVerify, purposeKey } from "../crypto/hmac.ts";

/**
 * Visitor identity: the company's own backend says which customer is signed
 * in on its site, with the site's secret. The widget carries this token; it
 * never chooses a customer id itself, so a visitor cannot open another
 * customer's conversation.
 *
 *   v1.<customerId>.<expiry unix seconds>.<HMAC-SHA256(key, "v1.<customerId>.<expiry>")>
 */
export async function mintIdentity(
  siteSecret: string,
  customerId: string,
  ttlSeconds = 3600,
  now = Date.now(),
): Promise<string> {
  const body = `v1.${customerId}.${Math.floor(now / 1000) + ttlSeconds}`;
  return `${body}.${toBase64url(await hmacSign(await purposeKey(siteSecret, "widget-identity"), body))}`;
}

const IDENTITY_TOKEN = new RegExp(String.raw`^(v1\.(${recordIdSource("cus")})\.(\d{9,12}))\.([A-Za-z0-9_-]{20,100})$`);

export async function verifyIdentity(
  siteSecret: string,
  token: string,
  now = Date.now(),
): Promise<{ customerId: string } | null> {
  const m = IDENTITY_TOKEN.exec(token);
  if (!m) return null;
  const [, body, customerId, exp, sig] = m;
  if (Number(exp) * 1000 < now) return null;
  if (!(await hmacVerify(await purposeKey(siteSecret, "widget-identity"), body!, fromBase64url(sig!)))) return null;
  return { customerId: customerId! };
}
