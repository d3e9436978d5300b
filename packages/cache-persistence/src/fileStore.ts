// One persistent store: a cache file read without a lock (retrying a torn read) and replaced under
// the cross-process lock, atomically. What the file holds is a codec's business: the cache text
// encrypted (keyCodec.ts) or, when the user opted in, the text itself.
import { basename } from "node:path";
import type { PersistentStore } from "./contract.js";
import { cacheFileVersion, pathVersion, readCacheFile, writeCacheFileAtomically, type FileSnapshot } from "./cacheFile.js";
import { acquireLock, type LockOptions } from "./lockFile.js";

export interface StoreCodec {
  readonly encrypted: boolean;
  /** The text, or undefined when the bytes are not a readable cache (corrupt, torn, other key). */
  decode(bytes: Buffer, fileName: string): Promise<string | undefined>;
  encode(text: string, fileName: string): Uint8Array | string;
  /** Forgets key material. */
  dispose(): void;
}

export interface LockStats {
  acquisitions: number;
  maxWaitMs: number;
  totalWaitMs: number;
  recovered: number;
}

export interface FileStore extends PersistentStore {
  /** Lock waits of this store's modify() calls so far (tests and benchmarks assert the bound). */
  lockStats(): LockStats;
}

export interface FileStoreOptions {
  maxBytes: number;
  lock?: LockOptions;
  /** The file as read before the store opened (provider.warm): the first read() uses it if the file is still that version. */
  firstSnapshot?: Promise<FileSnapshot | undefined | "reread">;
}

/** modify() calls on one file within this process queue here instead of contending for the file lock. */
const queues = new Map<string, Promise<unknown>>();

export function createFileStore(location: string, codec: StoreCodec, options: FileStoreOptions): FileStore {
  const fileName = basename(location);
  const stats: LockStats = { acquisitions: 0, maxWaitMs: 0, totalWaitMs: 0, recovered: 0 };
  let closed = false;
  const closedError = () => new Error(`The persistent token cache store ${location} was closed; open it again.`);
  const checkOpen = () => {
    if (closed) throw closedError();
  };
  /** Aborted by close(): a modify() waiting for another process's lock stops waiting (its timer and watch end). */
  const closing = new AbortController();

  const decodeSnapshot = async (bytes: Buffer) => (bytes.length === 0 ? undefined : codec.decode(bytes, fileName));

  let early = options.firstSnapshot;

  /** The early snapshot's text, if the file has not changed since (one lstat); undefined: read the file. */
  async function readEarly(snapshot: FileSnapshot | undefined | "reread"): Promise<{ text: string | undefined } | undefined> {
    if (snapshot === "reread" || snapshot?.changedWhileRead === true || (await pathVersion(location)) !== snapshot?.version) return undefined;
    if (snapshot === undefined) return { text: undefined };
    const text = await decodeSnapshot(snapshot.bytes);
    return text === undefined ? undefined : { text };
  }

  async function read(): Promise<string | undefined> {
    checkOpen();
    if (early !== undefined) {
      const snapshot = early;
      early = undefined;
      const found = await readEarly(await snapshot);
      if (found !== undefined) return found.text;
    }
    for (let attempt = 0; ; attempt++) {
      const snapshot = await readCacheFile(location, options.maxBytes);
      if (snapshot === undefined) return undefined;
      // A tool that rewrites the file in place (not by rename) can be caught half way: then the
      // bytes may mix two versions, and even parse. Such a read, or an unreadable one taken just as
      // the file changed, is read again; an unreadable file that stays as it is, is corrupt: empty
      // until the next modify rewrites it.
      const text = snapshot.changedWhileRead ? undefined : await decodeSnapshot(snapshot.bytes);
      if (text !== undefined) return text;
      if (attempt >= 5 || (!snapshot.changedWhileRead && (await cacheFileVersion(location)) === snapshot.version)) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 2 * (attempt + 1)));
    }
  }

  async function modifyLocked(update: (current: string | undefined) => string): Promise<void> {
    const lock = await acquireLock(`${location}.lockfile`, { ...options.lock, signal: closing.signal });
    stats.acquisitions++;
    stats.totalWaitMs += lock.waitedMs;
    stats.maxWaitMs = Math.max(stats.maxWaitMs, lock.waitedMs);
    stats.recovered += lock.recovered;
    try {
      // Writers that honour the lock never write now; one that doesn't (MSAL Python after its 5 s
      // lock timeout) could: read again rather than build on torn bytes.
      let snapshot = await readCacheFile(location, options.maxBytes);
      for (let attempt = 0; snapshot?.changedWhileRead === true && attempt < 5; attempt++) snapshot = await readCacheFile(location, options.maxBytes);
      const current = snapshot === undefined || snapshot.changedWhileRead ? undefined : await decodeSnapshot(snapshot.bytes);
      const next = update(current);
      if (typeof next !== "string")
        throw new TypeError(`PersistentStore.modify: the update function must return the whole cache as a string (received ${typeof next}).`);
      await writeCacheFileAtomically(location, codec.encode(next, fileName));
    } finally {
      await lock.release();
    }
  }

  return {
    location,
    encrypted: codec.encrypted,
    read,
    modify(update) {
      checkOpen();
      const previous = queues.get(location) ?? Promise.resolve();
      const run = previous.catch(() => undefined).then(() => modifyLocked(update));
      const settled = run.catch(() => undefined);
      queues.set(location, settled);
      void settled.then(() => {
        if (queues.get(location) === settled) queues.delete(location);
      });
      return run;
    },
    async close() {
      closed = true;
      closing.abort(closedError());
      codec.dispose();
    },
    lockStats: () => ({ ...stats }),
  };
}
