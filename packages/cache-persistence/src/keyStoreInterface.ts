// Where a cache's key lives: the OS credential store (keyStore.ts, secretService/), or a test's memory.
export interface KeyStore {
  /** Where the key lives, for messages. */
  readonly description: string;
  load(): Promise<Uint8Array | undefined>;
  save(key: Uint8Array): Promise<void>;
}
