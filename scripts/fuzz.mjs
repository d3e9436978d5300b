// `npm run fuzz`: the parser fuzz properties (packages/identity/test/fuzz/parsers.ts) with many cases and
// a random seed (npm test runs 150 cases each with a fixed seed). FUZZ_RUNS (default 20000) and FUZZ_SEED
// override; a failure prints fast-check's seed and path to replay it.
import { spawnSync } from "node:child_process";

const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? "20000", FUZZ_SEED: process.env.FUZZ_SEED ?? "random" };
const result = spawnSync(process.execPath, ["scripts/test.mjs", "packages/identity/test/fuzz/parsers.test.ts"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
