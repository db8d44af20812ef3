import { exportJWK, generateKeyPair, type JWK } from "jose";
import { KEY_ALG } from "./claims.ts";

/** A fresh Ed25519 signing key as a private JWK with a kid (dev and tests). */
export async function generateSigningKey(kid = `k${Date.now().toString(36)}`): Promise<JWK> {
  const { privateKey } = await generateKeyPair(KEY_ALG, { crv: "Ed25519", extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: KEY_ALG };
}
