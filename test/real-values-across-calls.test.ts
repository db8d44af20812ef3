/**
 * Issue 15: the vault checks a masked prompt for real values by what each
 * call adds (src/vault/real-values.ts), not by scanning the whole chat again
 * on every model call. A real value written across two calls, its first half
 * in a message the vault already checked and its second half in the next
 * one, is refused as it was when every call was scanned whole.
 */
import { describe, expect } from "vitest";
import { cell } from "./support/cell.ts";
import { useFakeOpenAi } from "./support/fake-openai.ts";
import { attack } from "./support/redteam.ts";
import { HOSTILE, PUPPET, useSystem } from "./support/system.ts";

const llm = useFakeOpenAi();
const t = useSystem({
  extraAgents: [HOSTILE, PUPPET],
  get proxyVars() {
    return llm.proxyVars;
  },
});
const c = cell(t);

describe("a prompt checked call by call", () => {
  attack(
    {
      surface: "cell",
      class: "exfiltration",
      tries: "send the model an address split across two calls, half in a message already checked",
      evidence: "pii_in_prompt and its refused row; the provider got the first call only",
    },
    async () => {
      const taskId = await c.task("cus_1001");
      // Tool arguments are the agent's own JSON: an array puts its strings side by side in the
      // prompt. Alone, neither half is a value (nothing is masked): the first call goes out as written.
      const history = (lines: string[]) => [
        { role: "user", content: "where should the parcel go?" },
        { role: "assistant", content: null, toolCalls: [{ id: "c1", name: "notes", arguments: { lines } }] },
        { role: "tool", toolCallId: "c1", name: "notes", content: "saved" },
      ];
      const before = llm.requests.length;
      const first = await c.call("llm.chat", { model: "default", messages: history(["at 742 Evergreen"]) });
      expect(first).toMatchObject({ ok: true });
      expect(JSON.stringify(llm.requests.at(-1)?.body)).toContain("at 742 Evergreen");
      // The same history, the array one string longer: "at 742 Evergreen\nTerrace" is the customer's street.
      const res = await c.call("llm.chat", {
        model: "default",
        messages: history(["at 742 Evergreen", "Terrace please"]),
      });
      expect(res).toMatchObject({ ok: false, error: "pii_in_prompt" });
      expect(res.message).toContain("(ADDRESS)");
      expect(llm.requests.length).toBe(before + 1);
      const row = await c.expectRefused(taskId, "llm.chat", "pii_in_prompt");
      expect(row.detail).toMatchObject({
        message: "the prompt contains real values of this task (ADDRESS); send tokens instead",
      });
      expect(JSON.stringify(row)).not.toMatch(/evergreen|terrace/i);
    },
  );
});
