// The breaker's states, driven by an explicit clock.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CircuitBreaker, type BreakerState } from "../src/circuitBreaker.js";

describe("circuit breaker", () => {
  it("opens after consecutive failures, probes once after the cool-down, and closes on success", () => {
    const changes: BreakerState[] = [];
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, maxCooldownMs: 4000, onChange: (s) => changes.push(s) });
    breaker.failure(0);
    breaker.success();
    breaker.failure(0);
    breaker.failure(0);
    assert.equal(breaker.state, "closed", "a success resets the count");
    breaker.failure(0);
    assert.equal(breaker.state, "open");
    assert.equal(breaker.allow(999), false);
    assert.equal(breaker.allow(1000), true, "the probe");
    assert.equal(breaker.allow(1000), false, "only one probe at a time");
    breaker.failure(1000);
    assert.equal(breaker.state, "open");
    assert.equal(breaker.allow(2999), false, "the cool-down doubled");
    assert.equal(breaker.allow(3000), true);
    breaker.success();
    assert.equal(breaker.state, "closed");
    assert.equal(breaker.allow(3000), true);
    assert.deepEqual(changes, ["open", "half-open", "open", "half-open", "closed"]);
  });

  it("caps the cool-down", () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 1000, maxCooldownMs: 1500 });
    breaker.failure(0);
    let now = 0;
    for (let i = 0; i < 4; i++) {
      now += 10_000;
      assert.equal(breaker.allow(now), true);
      breaker.failure(now);
    }
    assert.equal(breaker.allow(now + 1499), false);
    assert.equal(breaker.allow(now + 1500), true);
  });

  it("counts operations that failed together as one failure", () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, maxCooldownMs: 1000 });
    // 50 reads sent at t=0 all miss their deadline at t=200: one slow moment, one failure.
    for (let i = 0; i < 50; i++) breaker.failure(200, 0);
    assert.equal(breaker.state, "closed");
    breaker.failure(450, 250); // a later operation fails too: the second failure
    assert.equal(breaker.state, "open");
  });
});
