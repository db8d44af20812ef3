/**
 * The manager agent's tools, generated from its grant: whoami, customer.read,
 * orders.list, case.read, refund.issue (up to 5000), email.send
 * (refund-approved), reply.send, escalate (to human:support), finish.
 */
export const STEP_BUDGET = 14;
