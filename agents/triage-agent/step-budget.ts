/**
 * How many model calls one invocation may make: look up (up to 4), then
 * escalate and finish. (Its tools come from its grant in config.yaml.)
 */
export const STEP_BUDGET = 6;
