import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSecrets } from "../tools/local/secrets.ts";
import { ROOT, startSystem } from "../tools/local/system.ts";

const LEGACY_VAULT = { scriptPath: join(ROOT, "test/fixtures/legacy-vault/main.ts"), className: "LegacyVault" };

// What a vault wrote before its tables (src/vault/legacy.ts): one key a concern, `t:<token>` a token.
const meta = {
  taskId: "tsk_legacy000001",
  principal: "agent:refund-agent",
  jtis: ["jti_legacy_000000001"],
  scope: { customer: "cus_1001" },
  createdAt: 1_700_000_000_000,
  expiresAt: Date.now() + 3_600_000,
};
const escalations = [{ from: "agent:support-agent", caps: [{ capability: "customer.read" }] }];
const known = [{ kind: "NAME", value: "Maria Alvarez" }];
const token = { kind: "NAME", value: "Maria Alvarez", source: "record" };
const transcript = [{ role: "customer", by: "customer", text: "Hi, I am [NAME_1]", at: 1_700_000_000_001 }];

describe("a vault written before its tables", () => {
  it("moves meta, escalations, known values, tokens and transcript into its tables once, on its next start", async () => {
    const dir = await mkdtemp(join(tmpdir(), "siloos-legacy-vault-"));
    const secrets = await generateSecrets();
    try {
      const first = await startSystem({ secrets, persistTo: dir, vault: LEGACY_VAULT });
      const ns1 = await first.mf.getDurableObjectNamespace("VAULT", "test-vault");
      const old = ns1.get(ns1.idFromName(meta.taskId)) as any;
      await old.writeLegacy({ meta, escalations, known, "t:[NAME_1]": token, transcript });
      await first.dispose();

      // A restart: the vault's constructor finds the keys and moves them before any call.
      const second = await startSystem({ secrets, persistTo: dir, vault: LEGACY_VAULT });
      try {
        const ns = await second.mf.getDurableObjectNamespace("VAULT", "test-vault");
        const vault = ns.get(ns.idFromName(meta.taskId)) as any;
        expect(await vault.meta()).toEqual(meta);
        expect(await vault.storageKeys()).toEqual([]);
        expect(await vault.escalations()).toEqual(escalations);
        expect(await vault.resolve("[NAME_1]")).toEqual(token);
        expect(await vault.transcript()).toEqual(transcript);
        // The moved known list and table are the live ones: the name is found, and keeps its token.
        expect(await vault.tokenize("Maria Alvarez (maria@example.com) wrote", "customer")).toBe(
          "[NAME_1] ([EMAIL_1]) wrote",
        );
        expect(await vault.stats()).toMatchObject({ open: true, tokens: 2 });
        // And the wipe still leaves nothing, tables included.
        await vault.close();
        expect(await vault.stats()).toEqual({ open: false, tokens: 0, keys: 0 });
      } finally {
        await second.dispose();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
