// The plugin as cachePersistencePlugin registers it, registered with @azid/identity, keeping every
// store it opens so a test child can report their lock waits and whether they were closed.
import { useIdentityPlugin } from "@azid/identity";
import { createPersistenceProvider, type FileStore } from "../../src/index.js";

export function useRecordingPersistencePlugin(): FileStore[] {
  const provider = createPersistenceProvider();
  const stores: FileStore[] = [];
  useIdentityPlugin((context) =>
    (context as { setPersistence(p: unknown): void }).setPersistence({
      ...provider,
      open: async (options: Parameters<typeof provider.open>[0]) => {
        const store = await provider.open(options);
        stores.push(store);
        return store;
      },
    }),
  );
  return stores;
}
