import { describe, expect, it } from "vitest";
import { CUSTOMER_ID, IDS_IN_TEXT, isTaskId, ORDER_IDS_IN_TEXT, TASK_ID } from "./ids.ts";
import { formatToken, ONE_TOKEN, parseToken, TOKEN_PATTERN } from "./tokens.ts";

describe("token and id shapes, defined once", () => {
  it("a token is a kind of 2-10 capitals and a number of 1-6 digits", () => {
    expect(parseToken(formatToken("ADDRESS", 12))).toEqual({ kind: "ADDRESS", n: 12 });
    expect(parseToken("[NAME_1]")).toEqual({ kind: "NAME", n: 1 });
    for (const bad of ["[N_1]", "[NAME_]", "[NAME_1234567]", "[name_1]", " [NAME_1]", "[NAME_1] ", "[TOOLONGKIND_1]"])
      expect(parseToken(bad), bad).toBeNull();
    expect(ONE_TOKEN.test("[EMAIL_2]")).toBe(true);
    expect("hi [NAME_1], mail [EMAIL_2]; [x_1]".match(TOKEN_PATTERN)).toEqual(["[NAME_1]", "[EMAIL_2]"]);
  });

  it("ids: the task ids the router mints, customer ids the API takes, ids inside text", () => {
    expect(isTaskId(`tsk_${"ab12".repeat(6)}`)).toBe(true);
    expect(isTaskId("tsk_short")).toBe(false);
    expect(isTaskId(42)).toBe(false);
    expect(TASK_ID.test(`tsk_${"a".repeat(41)}`)).toBe(false);
    expect(CUSTOMER_ID.test("cus_1001")).toBe(true);
    expect(CUSTOMER_ID.test("cus_1")).toBe(false);
    expect(CUSTOMER_ID.test("cus_10-1")).toBe(false);
    expect("order ord_5001 for cus_1001 in tsk_abcdefgh".replace(IDS_IN_TEXT, "#")).toBe("order # for # in #");
    expect([..."ord_5001 and ord_5002, not ord_1".matchAll(ORDER_IDS_IN_TEXT)].map((m) => m[0])).toEqual([
      "ord_5001",
      "ord_5002",
    ]);
  });
});
