/**
 * triage-agent: a routing-only agent. It has no action tools at all; it
 * ends every invocation with an escalation the router carries out.
 */
import { defineAgent, runModelLoop } from "../../src/sdk/index.ts";
import instructions from "./instructions.md";
import { STEP_BUDGET } from "./step-budget.ts";

export default defineAgent((ctx) => runModelLoop(ctx, { instructions, stepBudget: STEP_BUDGET }));
