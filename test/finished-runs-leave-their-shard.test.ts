import { describe, expect, it } from "vitest";
import { runShard } from "../src/router/run/index.ts";
import { FAULTY, useSystem } from "./support/system.ts";

/**
 * A task's run is a row of one of 16 TaskRun shards (src/router/run/). A shard
 * must not grow with every task it ever ran: a finished run's row is dropped
 * once it ended more than SILOOS_RUN_KEEP_SECONDS ago (here 1 s; default a
 * day). The task's row in D1 and its audit rows are the record and stay.
 */
const t = useSystem({ extraAgents: [FAULTY], routerVars: { SILOOS_RUN_KEEP_SECONDS: "1" } });

const run = async (): Promise<string> => {
  const res = await t.api("/v1/tasks", {
    body: { agent: "faulty-agent", subject: { customerId: "cus_1002" }, message: "ok" },
  });
  expect(res.body).toMatchObject({ outcome: "completed" });
  return res.body.taskId as string;
};

describe("finished runs leave their shard", () => {
  it("a run that ended longer ago than the keep period is dropped when its shard next ends a drive; a recent one stays; the task's record stays", async () => {
    const ns = await t.sys.mf.getDurableObjectNamespace("TASK_RUN", "siloos-router");
    const statusOf = (id: string) =>
      (
        ns.get(ns.idFromName(runShard(id))) as unknown as { status(id: string): Promise<{ phase: string } | null> }
      ).status(id);
    const first = await run();
    expect(await statusOf(first)).toMatchObject({ phase: "done" });
    await new Promise((r) => setTimeout(r, 1_200));
    // Tasks until one runs in the first one's shard (16 shards).
    let neighbour: string | undefined;
    for (let i = 0; i < 160 && !neighbour; i++) {
      const id = await run();
      if (runShard(id) === runShard(first)) neighbour = id;
    }
    expect(neighbour).toBeDefined();
    expect(await statusOf(first)).toBeNull();
    expect(await statusOf(neighbour!)).toMatchObject({ phase: "done" });
    const read = await t.api(`/v1/tasks/${first}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ taskId: first, outcome: "completed" });
  });
});
