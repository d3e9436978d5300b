// The fleet's refresh moment follows azid's own schedule; each process's moment falls in the jitter window.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fleetRefreshAt, isServable, processRefreshAt } from "../src/refreshPolicy.js";

const HOUR = 3_600_000;

describe("refresh policy", () => {
  it("refreshes 1 h tokens 5 minutes early, long ones at half-life, short ones at half-life, and honours refresh_in", () => {
    assert.equal(fleetRefreshAt({ token: "t", expiresOnTimestamp: HOUR }, 0), HOUR - 300_000);
    assert.equal(fleetRefreshAt({ token: "t", expiresOnTimestamp: 24 * HOUR }, 0), 12 * HOUR);
    assert.equal(fleetRefreshAt({ token: "t", expiresOnTimestamp: 30_000 }, 0), 15_000);
    assert.equal(fleetRefreshAt({ token: "t", expiresOnTimestamp: HOUR, refreshAfterTimestamp: HOUR / 2 }, 0), HOUR / 2);
    assert.equal(
      fleetRefreshAt({ token: "t", expiresOnTimestamp: HOUR, refreshAfterTimestamp: HOUR - 1000 }, 0),
      HOUR - 300_000,
      "never later than 5 min before expiry",
    );
  });

  it("spreads each process's moment over the last jitter fraction of the window", () => {
    const record = { token: "t", expiresOnTimestamp: 30_000, tokenType: undefined, fetchedAt: 0, refreshAt: 15_000 };
    assert.equal(processRefreshAt(record, 0.1, 0), 15_000);
    assert.equal(processRefreshAt(record, 0.1, 0.999999), 13_500);
    assert.equal(processRefreshAt(record, 0, 0.5), 15_000);
  });

  it("serves a token only outside the expiry margin", () => {
    const record = { token: "t", expiresOnTimestamp: 100_000, tokenType: undefined, fetchedAt: 0, refreshAt: 50_000 };
    assert.equal(isServable(record, 89_000, 6_000), true);
    assert.equal(isServable(record, 90_000, 6_000), false, "a tenth of the lifetime");
    assert.equal(isServable({ ...record, expiresOnTimestamp: 20_000 }, 14_500, 6_000), false, "the minimum left");
  });
});
