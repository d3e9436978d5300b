// One measured scenario, run in its own Node process by bench/run.mjs (never by hand, though
// `node bench/scenario.mjs '<json>'` works when an emulator is up and NODE_EXTRA_CA_CERTS is set).
// The emulator lives in the parent, so nothing but the library under test runs in this process.
// The result is printed as one line `@@BENCH_RESULT@@ {json}` on stdout; failures print
// `{"error": ...}` the same way and exit non-zero.
import { median, quantile, xorshift32 } from "./lib/stats.mjs";

const RESULT_MARKER = "@@BENCH_RESULT@@";
const STORAGE_SCOPE = "https://storage.azure.com/.default";
const MANAGEMENT_SCOPE = "https://management.azure.com/.default";

const args = JSON.parse(process.argv[2] ?? "{}");

function emit(value) {
  process.stdout.write(`${RESULT_MARKER} ${JSON.stringify(value)}\n`);
}

async function loadLibrary(lib) {
  if (lib === "azid") return import("@azid/identity");
  if (lib === "azure") return import("@azure/identity");
  throw new Error(`unknown library "${lib}" (expected azid or azure)`);
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not complete within ${ms} ms${args.authorityHost ? `: is the emulator at ${args.authorityHost} reachable?` : ""}`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function checkToken(token, what) {
  if (token === null || typeof token !== "object" || typeof token.token !== "string" || token.token.length === 0) {
    throw new Error(`${what}: getToken returned no token (${JSON.stringify(token)})`);
  }
  if (!(token.expiresOnTimestamp > Date.now())) throw new Error(`${what}: token already expired (expiresOnTimestamp ${token.expiresOnTimestamp})`);
  return token;
}

/** A token printed by the fake az the parent put on PATH (its tenant is the bench's), valid for about an hour. */
function checkFakeAzToken(token, what) {
  checkToken(token, what);
  let claims;
  try {
    claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString("utf8"));
  } catch {
    claims = undefined;
  }
  if (claims?.fake !== true || claims.tid !== args.fakeTenant || claims.aud !== MANAGEMENT_SCOPE.replace(/\/\.default$/, "")) {
    throw new Error(`${what} is not the fake az's token: some other credential answered (claims: ${JSON.stringify(claims)?.slice(0, 300)})`);
  }
  if (token.expiresOnTimestamp < Date.now() + 50 * 60_000)
    throw new Error(`${what} expires in under 50 minutes (expiresOnTimestamp ${token.expiresOnTimestamp})`);
  return token;
}

function describeError(error) {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
    return `${error.name}: ${error.message}${cause}`;
  }
  return String(error);
}

function gc() {
  if (typeof globalThis.gc !== "function") throw new Error("this scenario needs --expose-gc");
  globalThis.gc();
  globalThis.gc();
}

/**
 * Times `op(i)` adaptively: a calibration pass (also the JIT warm-up) estimates the cost per call
 * and so a batch size B worth about `batchMs`; then `rounds` rounds each run batches of B calls for
 * `seconds` (at least 20 batches). A round's mean = its time / its calls; the reported mean is the
 * median of the round means, so one round disturbed by other load on the machine does not decide
 * the result. p50/p99 are over all per-batch means (one sub-microsecond call is below the timer's
 * resolution, so per-call percentiles would be noise).
 */
async function measure(op, { seconds, rounds = 3, batchMs = 1 }) {
  const calibrationNs = BigInt(Math.round(Math.max(50e6, Math.min(600e6, seconds * 0.4e9))));
  let calibrationOps = 0;
  const calibrationStart = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < calibrationNs) {
    for (let j = 0; j < 64; j++) await op(calibrationOps++);
    elapsed = process.hrtime.bigint() - calibrationStart;
  }
  const estimateNs = Number(elapsed) / calibrationOps;
  const batch = Math.max(1, Math.round((batchMs * 1e6) / estimateNs));

  const budgetNs = BigInt(Math.round(seconds * 1e9));
  const perBatchNs = [];
  const roundMeansUs = [];
  const cpuShares = [];
  let i = 0;
  let totalNs = 0;
  for (let round = 0; round < rounds; round++) {
    gc();
    const firstOp = i;
    const firstBatch = perBatchNs.length;
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    let now = start;
    while (now - start < budgetNs || perBatchNs.length - firstBatch < 20) {
      const t0 = now;
      for (let j = 0; j < batch; j++) await op(i++);
      now = process.hrtime.bigint();
      perBatchNs.push(Number(now - t0) / batch);
    }
    const roundNs = Number(now - start);
    const cpu = process.cpuUsage(cpuStart);
    totalNs += roundNs;
    roundMeansUs.push(roundNs / (i - firstOp) / 1e3);
    // CPU time of the whole process (GC threads included) over wall time: well below 1 means it
    // was waiting, i.e. descheduled by other load on the machine, not computing.
    cpuShares.push((cpu.user + cpu.system) / (roundNs / 1e3));
  }
  return {
    meanUs: median(roundMeansUs),
    roundMeansUs,
    overallMeanUs: totalNs / i / 1e3,
    p50Us: quantile(perBatchNs, 0.5) / 1e3,
    p99Us: quantile(perBatchNs, 0.99) / 1e3,
    minBatchUs: quantile(perBatchNs, 0) / 1e3,
    cpuShares,
    ops: i,
    batch,
    batches: perBatchNs.length,
    seconds: totalNs / 1e9,
    calibration: { ops: calibrationOps, estimateUs: estimateNs / 1e3 },
  };
}

async function fillConcurrently(count, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

const scenarios = {
  /** 1. Repeated getToken for one scope, served from the cache. */
  async latency(newCredential) {
    const credential = newCredential();
    const first = checkToken(await withTimeout(credential.getToken(STORAGE_SCOPE), 30_000, "warm-up getToken"), "warm-up");
    const result = await measure(() => credential.getToken(STORAGE_SCOPE), { seconds: args.seconds, rounds: args.rounds });
    const last = checkToken(await credential.getToken(STORAGE_SCOPE), "after measurement");
    return { ...result, sameTokenAfterMeasurement: last.token === first.token };
  },

  /** 2. Getting tokens for random scopes among K cached ones. */
  async scopes(newCredential) {
    const credential = newCredential();
    const scopes = Array.from({ length: args.k }, (_, i) => `https://r${i}.example/.default`);
    const fillStart = process.hrtime.bigint();
    // The first token alone: @azure/identity builds its MSAL client on first use, and concurrent
    // first calls each build one, whose cached tokens are then lost (refetched mid-measurement).
    checkToken(await withTimeout(credential.getToken(scopes[0]), 30_000, "first getToken"), "first token");
    await withTimeout(
      fillConcurrently(scopes.length - 1, args.concurrency, async (i) => checkToken(await credential.getToken(scopes[i + 1]), `fill ${scopes[i + 1]}`)),
      args.fillTimeoutMs,
      `filling the cache with ${args.k} scopes`,
    );
    const fillSeconds = Number(process.hrtime.bigint() - fillStart) / 1e9;
    // One untimed pass over every scope: anything not cached by now is fetched here, not timed.
    for (const scope of scopes) await credential.getToken(scope);
    const random = xorshift32(0xa2d1);
    const picks = new Uint32Array(1 << 16);
    for (let i = 0; i < picks.length; i++) picks[i] = random() % scopes.length;
    const mask = picks.length - 1;
    const result = await measure((i) => credential.getToken(scopes[picks[i & mask]]), { seconds: args.seconds, rounds: args.rounds });
    return { ...result, k: args.k, fillSeconds };
  },

  /** 3. A fresh credential in a fresh process, hit by N concurrent getToken calls. */
  async cold(newCredential) {
    const credential = newCredential();
    const start = process.hrtime.bigint();
    const settled = await withTimeout(
      Promise.allSettled(Array.from({ length: args.concurrency }, () => credential.getToken(STORAGE_SCOPE))),
      60_000,
      `${args.concurrency} concurrent getToken calls`,
    );
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const fulfilled = settled.filter((s) => s.status === "fulfilled");
    const rejected = settled.filter((s) => s.status === "rejected");
    if (fulfilled.length === 0) throw new Error(`all ${settled.length} calls failed; first: ${describeError(rejected[0]?.reason)}`);
    return {
      calls: settled.length,
      fulfilled: fulfilled.length,
      rejected: rejected.length,
      firstError: rejected.length > 0 ? describeError(rejected[0].reason) : undefined,
      distinctTokens: new Set(fulfilled.map((s) => s.value.token)).size,
      wallMs,
    };
  },

  /** 7a. Managed identity (IMDS on the emulator): repeated getToken served from the cache. */
  async miLatency(_newCredential, newManagedIdentity) {
    const credential = newManagedIdentity();
    checkToken(await withTimeout(credential.getToken(STORAGE_SCOPE), 30_000, "warm-up managed identity getToken"), "warm-up");
    return measure(() => credential.getToken(STORAGE_SCOPE), { seconds: args.seconds, rounds: args.rounds });
  },

  /** 7b. The common mistake: a new ManagedIdentityCredential per request, all at once. */
  async miInstances(_newCredential, newManagedIdentity) {
    const credentials = Array.from({ length: args.count }, () => newManagedIdentity());
    const start = process.hrtime.bigint();
    const settled = await withTimeout(Promise.allSettled(credentials.map((c) => c.getToken(STORAGE_SCOPE))), 120_000, `${args.count} instances`);
    const fulfilled = settled.filter((r) => r.status === "fulfilled").length;
    if (fulfilled === 0) throw new Error(`all calls failed; first: ${describeError(settled[0]?.reason)}`);
    return { instances: args.count, fulfilled, wallMs: Number(process.hrtime.bigint() - start) / 1e6 };
  },

  /**
   * 8. DefaultAzureCredential on a developer's machine: the parent put a signed-in fake `az` on PATH
   * and pointed managed identity at a loopback IMDS that refuses or never answers. Times the
   * constructor + first getToken, then the second getToken; gives up on the first after args.capMs.
   */
  async localDev(_newCredential, _newManagedIdentity, { DefaultAzureCredential }) {
    const start = process.hrtime.bigint();
    const credential = new DefaultAzureCredential();
    let timer;
    const gaveUp = new Promise((resolve) => (timer = setTimeout(resolve, args.capMs, "gave up")));
    const first = await Promise.race([credential.getToken(MANAGEMENT_SCOPE), gaveUp]);
    const firstMs = Number(process.hrtime.bigint() - start) / 1e6;
    clearTimeout(timer);
    if (first === "gave up") return { gaveUp: true, capMs: args.capMs, firstMs };
    checkFakeAzToken(first, "first token");
    const secondStart = process.hrtime.bigint();
    const second = await withTimeout(credential.getToken(MANAGEMENT_SCOPE), args.capMs, "second getToken");
    const secondUs = Number(process.hrtime.bigint() - secondStart) / 1e3;
    checkFakeAzToken(second, "second token");
    // azid says which member of the chain it now sticks to; @azure/identity has no such accessor.
    return { firstMs, secondUs, secondSameToken: second.token === first.token, credential: credential.selectedCredentialName ?? null };
  },

  /** 6. Heap retained per constructed credential (optionally after one getToken on each). */
  async memory(newCredential) {
    const warm = newCredential("warm-up-secret"); // loads lazily-initialised module state first
    gc();
    const before = process.memoryUsage();
    const start = process.hrtime.bigint();
    const credentials = new Array(args.count);
    for (let i = 0; i < args.count; i++) credentials[i] = newCredential(`${args.secretPrefix}${i}`);
    const constructMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (args.getToken) {
      // Each credential used once (the parent registered every secret with the emulator).
      checkToken(await withTimeout(credentials[0].getToken(STORAGE_SCOPE), 30_000, "first getToken"), "first token");
      await withTimeout(
        fillConcurrently(args.count - 1, args.concurrency, async (i) => checkToken(await credentials[i + 1].getToken(STORAGE_SCOPE), `credential ${i + 1}`)),
        args.timeoutMs,
        `one getToken on each of ${args.count} credentials`,
      );
    }
    gc();
    const after = process.memoryUsage();
    const kept = credentials.length + (warm ? 1 : 0); // keeps every instance reachable through the gc
    return {
      count: args.count,
      kept,
      heapKBPerCredential: (after.heapUsed - before.heapUsed) / args.count / 1024,
      rssKBPerCredential: (after.rss - before.rss) / args.count / 1024,
      externalKBPerCredential: (after.external - before.external) / args.count / 1024,
      constructUsPerCredential: (constructMs * 1e3) / args.count,
    };
  },
};

try {
  const scenario = scenarios[args.scenario];
  if (scenario === undefined) throw new Error(`unknown scenario "${args.scenario}"`);
  // Managed identity talks to the emulator's IMDS; never to 169.254.169.254.
  if (args.imdsHost) process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = args.imdsHost;
  const library = await loadLibrary(args.lib);
  const { ClientSecretCredential, ManagedIdentityCredential } = library;
  const newCredential = (secret = args.clientSecret) =>
    new ClientSecretCredential(args.tenantId, args.clientId, secret, { authorityHost: args.authorityHost, disableInstanceDiscovery: true });
  const newManagedIdentity = () => new ManagedIdentityCredential();
  const result = await scenario(newCredential, newManagedIdentity, library);
  emit({ scenario: args.scenario, lib: args.lib, ...result });
  // An SDK may keep sockets or timers alive; the measurement is over, so leave now.
  process.exit(process.exitCode ?? 0);
} catch (error) {
  emit({ scenario: args.scenario, lib: args.lib, error: describeError(error) });
  process.exit(1);
}
