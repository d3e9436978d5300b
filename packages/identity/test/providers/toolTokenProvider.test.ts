// ToolTokenProvider's process deadline: what the developer-tool credentials hand their tool as the
// time it may run. The tool is faked (its fetch records the request); the clock is moved by hand so
// the milliseconds between getToken and the spawn are not left to chance.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { ToolTokenProvider, type ToolFetchRequest } from "../../src/providers/toolTokenProvider.js";
import { credentialLogger } from "../../src/core/logger.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";

beforeEach(() => tokenCache.clear());
afterEach(() => mock.restoreAll());

function provider(processTimeoutInMs: number, seen: ToolFetchRequest[]): ToolTokenProvider {
  return new ToolTokenProvider({
    partition: `tool-deadline-${Math.random()}`,
    tenantId: undefined,
    additionallyAllowedTenants: [],
    processTimeoutInMs,
    logger: credentialLogger("ToolTokenProviderTest"),
    check: () => undefined,
    fetch: async (request) => {
      seen.push(request);
      return { token: "t", expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  });
}

/** A clock that moves `step` ms at every read: getToken and the spawn never see the same instant. */
function driftingClock(step: number): void {
  let now = Date.now();
  mock.method(Date, "now", () => (now += step));
}

describe("ToolTokenProvider process deadline", () => {
  it("the tool gets the whole configured processTimeoutInMs, though the clock moved since getToken", async () => {
    const seen: ToolFetchRequest[] = [];
    driftingClock(3);
    await provider(1500, seen).getToken("https://storage.azure.com/.default");
    assert.equal(seen.length, 1, "one process");
    assert.ok(seen[0]!.deadline < Date.now() + 1500, "the clock did move between the deadline and the spawn");
    assert.equal(seen[0]!.timeoutMs, 1500, `the tool was given ${seen[0]!.timeoutMs} ms, not the configured 1500`);
  });

  it("a caller's shorter requestOptions.timeout still bounds the process", async () => {
    const seen: ToolFetchRequest[] = [];
    await provider(10_000, seen).getToken("https://storage.azure.com/.default", { requestOptions: { timeout: 250 } });
    assert.equal(seen.length, 1, "one process");
    assert.ok(seen[0]!.timeoutMs >= 1 && seen[0]!.timeoutMs <= 250, `the tool was given ${seen[0]!.timeoutMs} ms, beyond the caller's 250`);
  });
});
