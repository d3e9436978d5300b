// The plugin as cachePersistencePlugin registers it, registered with @azid/identity, keeping every
// store it opens so a test can report their lock waits, whether they were closed, and how many times
// the credential side called close() on each.
import { useIdentityPlugin } from "@azid/identity";
import { createPersistenceProvider, type FileStore, type PersistenceProviderOptions } from "../../src/index.js";

const closeCalls = new WeakMap<FileStore, number>();

/** How many times @azid/identity called close() on `store`. */
export function closeCallsOf(store: FileStore): number {
  return closeCalls.get(store) ?? 0;
}

export function useRecordingPersistencePlugin(options: PersistenceProviderOptions = {}): FileStore[] {
  const provider = createPersistenceProvider(options);
  const stores: FileStore[] = [];
  useIdentityPlugin((context) =>
    (context as { setPersistence(p: unknown): void }).setPersistence({
      ...provider,
      open: async (openOptions: Parameters<typeof provider.open>[0]) => {
        const store = await provider.open(openOptions);
        const close = store.close.bind(store);
        store.close = () => {
          closeCalls.set(store, closeCallsOf(store) + 1);
          return close();
        };
        stores.push(store);
        return store;
      },
    }),
  );
  return stores;
}
