import { z } from "zod";

/**
 * Tool parameters in an llm.chat call are a JSON Schema, and nothing else:
 * the keywords a tool needs (the ones the SDK generates), each with its
 * type, every string bounded, no unknown keys, a bounded depth. Anything
 * else would be a free channel from the agent to the model provider and a
 * malformed request the provider's parser meets first.
 */
export const TYPES = ["object", "array", "string", "number", "integer", "boolean", "null"] as const;
export const MAX_DEPTH = 8;
const scalar = z.union([z.string().max(500), z.number().finite(), z.boolean(), z.null()]);
const count = z.number().int().nonnegative().max(1_000_000);
const bound = z.number().finite();
export const PROPERTY_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const FORMAT_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const propertyName = z.string().regex(PROPERTY_NAME);

export interface JsonSchemaNode {
  [keyword: string]: unknown;
}

const node: z.ZodType<JsonSchemaNode, JsonSchemaNode> = z.lazy(() =>
  z
    .object({
      type: z.union([z.enum(TYPES), z.array(z.enum(TYPES)).min(1).max(TYPES.length)]).optional(),
      title: z.string().max(200).optional(),
      description: z.string().max(2000).optional(),
      enum: z.array(scalar).min(1).max(100).optional(),
      const: scalar.optional(),
      default: z.union([scalar, z.array(scalar).max(20), z.record(propertyName, scalar)]).optional(),
      properties: z.record(propertyName, node).optional(),
      required: z.array(propertyName).max(64).optional(),
      additionalProperties: z.union([z.boolean(), node]).optional(),
      propertyNames: node.optional(),
      items: node.optional(),
      minItems: count.optional(),
      maxItems: count.optional(),
      minLength: count.optional(),
      maxLength: count.optional(),
      minProperties: count.optional(),
      maxProperties: count.optional(),
      minimum: bound.optional(),
      maximum: bound.optional(),
      exclusiveMinimum: bound.optional(),
      exclusiveMaximum: bound.optional(),
      multipleOf: bound.optional(),
      pattern: z.string().max(500).optional(),
      format: z.string().regex(FORMAT_NAME).optional(),
      anyOf: z.array(node).min(1).max(16).optional(),
      oneOf: z.array(node).min(1).max(16).optional(),
      allOf: z.array(node).min(1).max(16).optional(),
    })
    .strict(),
);

/** How deep a value nests (objects and arrays), counted past MAX_DEPTH * 3 no further. */
export function depth(value: unknown, level = 0): number {
  if (level > MAX_DEPTH * 3 || value === null || typeof value !== "object") return level;
  return Math.max(level, ...Object.values(value).map((v) => depth(v, level + 1)));
}

/** A tool's parameters: an object schema, depth-bounded before it is parsed. */
export const ToolParametersSchema = z
  .record(z.string(), z.unknown())
  .refine((v) => depth(v) <= MAX_DEPTH * 3, { message: "tool parameters nest too deep" })
  .pipe(node)
  .refine((v) => v.type === "object", { message: "tool parameters must be an object schema (type: object)" });
