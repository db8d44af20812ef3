/**
 * refund-agent: stateless; one invocation = one step of one task. Its
 * procedure is instructions.md, followed by the model through the proxy's
 * LLM gateway; its tools (generated from its grant in config.yaml) are calls through its PROXY binding.
 */
import { defineAgent, runModelLoop } from "../../src/sdk/index.ts";
import instructions from "./instructions.md";
import { STEP_BUDGET } from "./step-budget.ts";

export default defineAgent((ctx) => runModelLoop(ctx, { instructions, stepBudget: STEP_BUDGET }));
