/**
 * The refund agent's tools are generated from its grant (src/sdk/tools.ts):
 * whoami, customer.read, orders.list, case.read, shipment.track, refund.issue,
 * email.send (refund-confirmation), reply.send, escalate, finish. A tool it
 * was not granted does not exist for it. Each tool is one proxy call.
 */

/** Model calls per invocation: gather (4), act (3), reply, finish, with room to spare. */
export const STEP_BUDGET = 14;
