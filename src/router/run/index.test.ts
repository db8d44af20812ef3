import { describe, expect, it } from "vitest";
import { RUN_SHARDS, runShard } from "./index.ts";

describe("runShard: which TaskRun object holds a task's run", () => {
  it("is fixed for a task id: a run in progress is resumed by the shard that holds it", () => {
    // Pinned values: a change of the hash or of RUN_SHARDS would leave runs in progress to nobody.
    expect(RUN_SHARDS).toBe(16);
    expect(runShard("tsk_0123456789abcdef01234567")).toBe("runs-2");
    expect(runShard("tsk_ffffffffffffffffffffffff")).toBe("runs-10");
  });

  it("spreads task ids over every shard", () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 1600; i++) {
      const id = `tsk_${(i * 2654435761).toString(16).padStart(24, "0")}`;
      seen.set(runShard(id), (seen.get(runShard(id)) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(Array.from({ length: RUN_SHARDS }, (_, i) => `runs-${i}`).sort());
    for (const n of seen.values()) expect(n).toBeGreaterThan(40);
  });
});
