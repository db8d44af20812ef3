/**
 * Bare agent: the refund agent's own code (its model loop, tools and
 * decisions), bound to the bare proxy instead of SiloOS's. Reusing it makes
 * the bare chain issue the same proxy calls in the same order by
 * construction; the bench checks the two sequences match.
 */
export { default } from "../../../agents/refund-agent/main.ts";
