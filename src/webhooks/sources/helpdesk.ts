import { z } from "zod";
import { ORDER_ID } from "../../contracts/ids.ts";
import { defineSource } from "./source.ts";

/**
 * A helpdesk "ticket created" event (Zendesk/Freshdesk-like). Strict and
 * bounded: an unknown field or an oversized value is refused, not ignored.
 */
export const HelpdeskTicketCreatedSchema = z
  .object({
    event: z.literal("ticket.created"),
    ticket: z
      .object({
        id: z.union([
          z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "ticket ids are 1-64 letters, digits, - or _"),
          z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
        ]),
        subject: z.string().trim().min(1).max(200),
        description: z.string().trim().min(1).max(6000),
        requester: z
          .object({
            email: z.email().max(254),
            name: z.string().trim().min(1).max(200),
          })
          .strict(),
        order_id: z.string().regex(ORDER_ID, "order_id must look like ord_…").optional(),
      })
      .strict(),
  })
  .strict();
export type HelpdeskTicketCreated = z.output<typeof HelpdeskTicketCreatedSchema>;

/**
 * A new ticket is a new conversation: the triage agent (intent `general`)
 * reads it and routes it. The requester's name stays out of the message: the
 * vault already knows the customer's name from the CRM.
 */
export function helpdeskTicketToTask(event: HelpdeskTicketCreated) {
  const { subject, description, order_id: orderId, requester } = event.ticket;
  return {
    requesterEmail: requester.email.toLowerCase(),
    intent: "general",
    message: `${subject}\n\n${description}${orderId ? `\n\nOrder: ${orderId}` : ""}`,
  };
}

export const helpdesk = defineSource("helpdesk", HelpdeskTicketCreatedSchema, helpdeskTicketToTask);
