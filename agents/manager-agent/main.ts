/**
 * manager-agent: reviews one escalated refund per invocation, following
 * instructions.md through the LLM gateway; reaches the world only through PROXY.
 */
import { defineAgent, runModelLoop } from "../../src/sdk/index.ts";
import instructions from "./instructions.md";
import { STEP_BUDGET } from "./step-budget.ts";

export default defineAgent((ctx) => runModelLoop(ctx, { instructions, stepBudget: STEP_BUDGET }));
