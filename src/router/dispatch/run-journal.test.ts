import { describe, expect, it } from "vitest";
import type { Db } from "../../db/index.ts";
import type { RouterEnv } from "../core/env.ts";
import { runJournal } from "./run-journal.ts";

describe("a run's rows ride only in the batch about their own task", () => {
  it("a carry from another task's vault is refused before anything is written or acknowledged", async () => {
    let touched = false;
    const env = {
      PROXY: {
        journalShipped: () => {
          touched = true;
          return Promise.resolve();
        },
      },
    } as unknown as RouterEnv;
    const db = new Proxy({}, { get: () => (touched = true) }) as unknown as Db;
    const carry = { taskId: "tsk_other", rows: [] };
    await expect(runJournal(env, db, "tsk_mine", carry)).rejects.toThrow(/own task/);
    expect(touched).toBe(false);
  });
});
