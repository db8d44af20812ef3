/** The triage agent's tools, generated from its grant: whoami, customer.read, orders.list, escalate, finish. */
export const STEP_BUDGET = 6;
