import type { z } from "zod";
import { SiloError } from "./index.ts";

/** zod → validation_failed with a message naming each bad field. */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const what = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
    .join("; ");
  throw new SiloError("validation_failed", what);
}
