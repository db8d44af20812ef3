import type { OpTable } from "../core/context.ts";
import { emailSend } from "./email.ts";
import { llmChat } from "./llm.ts";
import { caseRead, customerRead, ordersList, transcriptRead, whoami } from "./reads.ts";
import { refundIssue } from "./refund.ts";
import { replySend } from "./reply.ts";
import { piiReveal } from "./reveal.ts";
import { shipmentTrack } from "./shipment.ts";

export const OPS: OpTable = {
  whoami,
  "customer.read": customerRead,
  "orders.list": ordersList,
  "case.read": caseRead,
  "shipment.track": shipmentTrack,
  "transcript.read": transcriptRead,
  "refund.issue": refundIssue,
  "email.send": emailSend,
  "reply.send": replySend,
  "llm.chat": llmChat,
  "pii.reveal": piiReveal,
};
