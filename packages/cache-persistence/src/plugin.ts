// cachePersistencePlugin: the function handed to useIdentityPlugin from @azid/identity, under the
// name @azure/identity-cache-persistence exports, so switching is an import change.
import type { PersistencePluginContext } from "./contract.js";
import { createPersistenceProvider, type AzidPersistenceProvider } from "./provider.js";

let defaultProvider: AzidPersistenceProvider | undefined;

export function cachePersistencePlugin(context: unknown): void {
  const ctx = context as Partial<PersistencePluginContext> | null;
  if (typeof ctx !== "object" || ctx === null || ctx.azid?.contractVersion !== 1 || typeof ctx.setPersistence !== "function") {
    throw new TypeError(
      "@azid/cache-persistence is a plugin for @azid/identity: pass it to useIdentityPlugin imported from @azid/identity. " +
        "With @azure/identity, use @azure/identity-cache-persistence instead.",
    );
  }
  defaultProvider ??= createPersistenceProvider();
  ctx.setPersistence(defaultProvider);
}
