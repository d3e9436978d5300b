// A real Azurite for the storage integration suites (blob, queue, table): started for the enclosing
// describe() with a certificate from the emulator's CA, stopped after it. The start-up code is the
// JavaScript helper shared with the demo (scripts/lib/azurite.mjs), imported by URL so the type checker
// needs no typings for it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import type { EmulatorFixture } from "../support/emulator.js";

interface Azurite {
  /** The account's endpoint on the service that was started. */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts Azurite's `service` before the suite's tests and stops it after them; read `endpoint` inside a test. */
export function useAzurite(env: EmulatorFixture, service: "blob" | "queue" | "table"): { readonly endpoint: string } {
  let azurite: Azurite | undefined;
  before(async () => {
    const helper = new URL("../../../../scripts/lib/azurite.mjs", import.meta.url).href;
    const { startAzurite } = (await import(helper)) as { startAzurite(emulator: unknown, options: { service: string }): Promise<Azurite> };
    azurite = await startAzurite(env.emu, { service });
  });
  after(async () => {
    await azurite?.close();
  });
  return {
    get endpoint() {
      if (!azurite) throw new Error("Azurite is not started: read endpoint inside a test");
      return azurite.endpoint;
    },
  };
}

/** The installed version of an npm package, for the results table's labels. */
export const versionOf = (name: string) =>
  (JSON.parse(readFileSync(fileURLToPath(import.meta.resolve(`${name}/package.json`)), "utf8")) as { version: string }).version;
