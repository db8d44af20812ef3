/**
 * The model token budget of a task is reserved before a call leaves and
 * settled after, in the task's own ledger in its Vault (src/vault/ledger.ts,
 * Vault.llmPrepare / llmSettle). What the proxy computes for it is here: the
 * prompt's estimate.
 */

/** A conservative count for text not yet tokenized: 3 characters a token (providers average about 4). */
export function estimatePromptTokens(request: unknown): number {
  return Math.ceil(JSON.stringify(request).length / 3) + 16;
}
