// A temporary, empty HOME for each test: no shared token cache, VS Code sign-in or CLI profile of
// the machine's user leaks in, and files a test writes there are removed after it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "node:test";

/** Sets HOME to a fresh directory before each test and restores it after; returns the current one. */
export function useTemporaryHome(): () => string {
  let home = "";
  let previous: string | undefined;
  beforeEach(() => {
    previous = process.env.HOME;
    home = mkdtempSync(join(tmpdir(), "azid-home-"));
    process.env.HOME = home;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.HOME;
    else process.env.HOME = previous;
    rmSync(home, { recursive: true, force: true });
  });
  return () => home;
}
