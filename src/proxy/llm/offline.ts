/**
 * The model providers moved to src/llm/ (the Vault calls the model). This
 * path stays for scripts/bench/bare/proxy.ts, the bench's bare chain, which
 * this change may not edit; import from src/llm/offline.ts elsewhere.
 */
export { offlineModel } from "../../llm/offline.ts";
