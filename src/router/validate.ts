/** The router's validation is the one every room uses (src/errors/validation.ts): zod → validation_failed. */
export { parseOr400 } from "../errors/validation.ts";
