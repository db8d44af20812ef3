/**
 * How many model calls one invocation may make. (The agent's tools are not
 * here: they are generated from its grant in config.yaml, src/sdk/tools.ts.)
 * Gather (4), act (3), reply, finish, with room to spare.
 */
export const STEP_BUDGET = 14;
