// The fuzz properties (parsers.ts), a bounded number of cases each: part of `npm test`.
// `npm run fuzz` (scripts/fuzz.mjs) runs them with FUZZ_RUNS cases (default 20,000) and a random seed.
import { describe, it } from "node:test";
import fc from "fast-check";
import { properties } from "./parsers.js";

const runs = Number(process.env.FUZZ_RUNS ?? 150);
const seed = process.env.FUZZ_SEED === undefined ? 15 : Number(process.env.FUZZ_SEED); // fixed in npm test: reproducible

describe(`fuzzing parsers of untrusted input (${runs} cases each)`, () => {
  for (const { name, property } of properties) {
    it(name, async () => {
      await fc.assert(property, { numRuns: runs, ...(Number.isNaN(seed) ? {} : { seed }) });
    });
  }
});
