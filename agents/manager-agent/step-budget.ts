/**
 * How many model calls one invocation may make: review, decide, act, reply,
 * finish, with room to spare. (Its tools come from its grant in config.yaml.)
 */
export const STEP_BUDGET = 14;
