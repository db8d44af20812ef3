import { SiloError } from "../../errors/index.ts";
import type { Template } from "../../registry/schema.ts";

const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]{0,30})\s*\}\}/g;

/**
 * Render an approved template in one pass. Values are inserted literally and
 * never re-scanned, so a value such as "{{secret}}" stays text: no template
 * injection. Every declared variable is required; undeclared ones are refused.
 */
export function renderTemplate(
  t: Template,
  values: Readonly<Record<string, string>>,
): { subject: string; body: string } {
  assertVariablesDeclared(t, values);
  const fill = (text: string, oneLine: boolean) =>
    text.replace(PLACEHOLDER, (_m, key: string) => {
      const v = values[key] ?? "";
      // A subject is a header: a newline in a value would let it add headers.
      return oneLine ? v.replace(/[\r\n\t]+/g, " ") : v;
    });
  return { subject: fill(t.subject, true), body: fill(t.body, false) };
}

/** Exactly the template's declared variables: none missing, none added. */
export function assertVariablesDeclared(t: Template, values: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(values)) {
    if (!t.variables.includes(key))
      throw new SiloError("validation_failed", `template ${t.name} has no variable ${key}`);
  }
  for (const key of t.variables) {
    if (values[key] === undefined) throw new SiloError("validation_failed", `template ${t.name} needs variable ${key}`);
  }
}
