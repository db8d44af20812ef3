import type { z } from "zod";
import { SiloError } from "./index.ts";

/** zod → validation_failed with a message naming each bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw invalid(parsed.error);
}

/** The refusal for a failed zod check: the first five issues, each with its field's path. */
export function invalid(error: z.ZodError): SiloError {
  const what = error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
    .join("; ");
  return new SiloError("validation_failed", what);
}
