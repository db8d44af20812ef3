import type { Capability, CapabilityName, CapabilityOf } from "./capabilities.ts";

/**
 * A grant's capability by name. Its own module, free of zod, so an agent's
 * bundle (the SDK) can use it without carrying a validation library.
 */
export function findCapability<N extends CapabilityName>(
  caps: readonly Capability[],
  name: N,
): CapabilityOf<N> | undefined {
  return caps.find((c): c is CapabilityOf<N> => c.capability === name);
}
