// Where a cache's key lives: the OS credential store (keyStore.ts, secretService/), or a test's memory.
export interface KeyStore {
  /** Where the key lives, for messages. */
  readonly description: string;
  load(): Promise<Uint8Array | undefined>;
  /** The key if it can be had without an unlock prompt, else undefined (absent, locked, or unknown). Optional. */
  loadWithoutPrompt?(): Promise<Uint8Array | undefined>;
  save(key: Uint8Array): Promise<void>;
}
