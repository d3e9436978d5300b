// `npm run soak`: a bounded soak of azid's process-wide state (issue 15). For SOAK_SECONDS (default
// 600) it keeps 1,000 ClientSecretCredentials busy against the emulator with short-lived tokens
// (SOAK_TOKEN_SECONDS, default 60: each token is refreshed many times), creates a new
// OnBehalfOfCredential for every "request" with a fresh user assertion (the pattern that grew the
// heap to 575 MB in the review), and injects faults (503 bursts that retries absorb, and 400s that
// must fail). After a warm-up (every credential's first token), memory is sampled every 5 s after
// a forced GC: heapUsed, external, arrayBuffers and RSS of this process, which runs only the
// library, and the RSS of the emulator, which runs in a child process (forked from this file with
// --emulator, driven over IPC) so that it does not count against the library. Written to
// bench/soak/results.json and bench/soak/chart.svg. Targets: memory flat after warm-up, 0 failed
// calls outside injected faults. Runs under the network guard (loopback only), on the built package.
// MALLOC_ARENA_MAX=2 in the environment tells glibc allocator growth from a leak (results record it).
import { fork } from "node:child_process";
import { createSign, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:https";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
if (process.argv[2] === "--emulator") await serveEmulator();
else await soak();

/** The child: the emulator, configured and faulted by the parent over IPC, reporting its own memory. */
async function serveEmulator() {
  const { startEmulator } = await import("@azid/emulator");
  const { dataDir, tokenSeconds, apps } = await new Promise((resolve) => process.once("message", resolve));
  const emu = await startEmulator({ dataDir, accessTokenLifetimeSeconds: tokenSeconds, requestLogLimit: 100 });
  const tenant = emu.config.tenants[0];
  tenant.apps.push(...apps);
  process.on("message", async (message) => {
    if (message.type === "fault") emu.faults.add(message.spec);
    else if (message.type === "clearFaults") emu.faults.clear();
    else if (message.type === "memory") {
      gc();
      process.send({ type: "memory", rssMB: mb(process.memoryUsage().rss), heapMB: mb(process.memoryUsage().heapUsed), logged: emu.requests.length });
    } else if (message.type === "close") {
      await emu.close();
      process.disconnect();
    }
  });
  process.send({ type: "ready", url: emu.url, caCertPem: emu.caCertPem, tenantId: tenant.id });
}

function mb(bytes) {
  return +(bytes / 1048576).toFixed(1);
}

async function soak() {
  const { ClientSecretCredential, OnBehalfOfCredential } = await import("@azid/identity");
  const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
  const TOKEN_SECONDS = Number(process.env.SOAK_TOKEN_SECONDS ?? 60);
  const CREDENTIALS = 1_000;
  const OUT = new URL("./", import.meta.url);
  /** One resource per credential: 1,000 cached tokens, each refreshed about every half-life. */
  const RESOURCES = ["https://storage.azure.com/.default"];

  const dataDir = mkdtempSync(join(tmpdir(), "azid-soak-"));
  const appConfigs = [];
  for (let i = 0; i < CREDENTIALS; i++) {
    appConfigs.push({ clientId: randomUUID(), secrets: [`soak~${randomUUID()}`], certificates: [], roles: ["Data.Read"], federatedCredentials: [] });
  }
  const api = { clientId: randomUUID(), secrets: [`api~${randomUUID()}`], certificates: [], roles: [], federatedCredentials: [] };
  const child = fork(fileURLToPath(import.meta.url), ["--emulator"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const replies = [];
  const waiting = [];
  child.on("message", (message) => (waiting.length > 0 ? waiting.shift()(message) : replies.push(message)));
  const reply = () => new Promise((resolve) => (replies.length > 0 ? resolve(replies.shift()) : waiting.push(resolve)));
  child.send({ dataDir, tokenSeconds: TOKEN_SECONDS, apps: [...appConfigs, api] });
  const emu = await reply();
  const emulator = {
    addFault: (spec) => child.send({ type: "fault", spec }),
    clearFaults: () => child.send({ type: "clearFaults" }),
    memory: () => (child.send({ type: "memory" }), reply()),
  };
  const tenant = { id: emu.tenantId };
  const options = { authorityHost: emu.url, disableInstanceDiscovery: true, tlsOptions: { ca: emu.caCertPem }, retryOptions: { retryDelayInMs: 20 } };
  const apps = appConfigs.map((app) => new ClientSecretCredential(tenant.id, app.clientId, app.secrets[0], options));

  // User assertions the emulator accepts: RS256 with its signing key and kid, addressed to the API.
  const jwks = await new Promise((resolve) => {
    get(`${emu.url}/${tenant.id}/discovery/v2.0/keys`, { ca: emu.caCertPem }, (response) => {
      let text = "";
      response.on("data", (chunk) => (text += chunk)).on("end", () => resolve(JSON.parse(text)));
    }).on("error", () => resolve(undefined));
  });
  const kid = jwks?.keys?.[0]?.kid;
  const signingKey = readFileSync(join(dataDir, "signing-key.pem"), "utf8");
  function userAssertion() {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const body = `${b64({ alg: "RS256", typ: "JWT", kid })}.${b64({ aud: `api://${api.clientId}`, tid: tenant.id, upn: "alice@azid.onmicrosoft.com", oid: randomUUID(), iat: now, nbf: now, exp: now + 3600, jti: randomUUID() })}`;
    return `${body}.${createSign("RSA-SHA256").update(body).sign(signingKey).toString("base64url")}`;
  }

  const counts = { calls: 0, failed: 0, injectedFailures: 0, obo: 0, oboUnavailable: 0 };
  let injecting = false;
  async function call(fn) {
    counts.calls++;
    try {
      await fn();
    } catch (error) {
      if (injecting) counts.injectedFailures++;
      else {
        counts.failed++;
        if (counts.failed <= 5) process.stderr.write(`[soak] unexpected failure: ${error?.name}: ${String(error?.message).split("\n")[0]}\n`);
      }
    }
  }

  // Warm-up: every credential gets its first token (32 in flight), so the soak measures steady state.
  for (let i = 0; i < apps.length; i += 32) await Promise.all(apps.slice(i, i + 32).map((c) => call(() => c.getToken(RESOURCES[0]))));

  const samples = [];
  const started = Date.now();
  let sampling = Promise.resolve();
  function sample() {
    sampling = sampling.then(async () => {
      gc();
      const t = Math.round((Date.now() - started) / 1000);
      const { heapUsed, external, arrayBuffers, rss } = process.memoryUsage();
      const handles = process.getActiveResourcesInfo();
      const emulatorMemory = await emulator.memory();
      samples.push({
        t,
        heapMB: mb(heapUsed),
        externalMB: mb(external),
        arrayBuffersMB: mb(arrayBuffers),
        rssMB: mb(rss),
        tlsSockets: handles.filter((h) => h === "TLSWrap" || h === "TCPSocketWrap").length,
        emulatorRssMB: emulatorMemory.rssMB,
        emulatorHeapMB: emulatorMemory.heapMB,
        load1: +loadavg()[0].toFixed(2),
        ...counts,
      });
    });
    return sampling;
  }
  await sample();
  const sampler = setInterval(sample, 5_000);

  let oboWorks = kid !== undefined;
  let faultedMinute = -1;
  while (Date.now() - started < SECONDS * 1000) {
    const second = Math.floor((Date.now() - started) / 1000);
    // Faults: every 60 s a 503 burst (retried: must not fail) and, separately, 400s (must fail, counted apart).
    if (second % 60 === 30 && faultedMinute !== Math.floor(second / 60)) {
      faultedMinute = Math.floor(second / 60);
      emulator.addFault({ route: "token", status: 503, times: 20 });
    }
    if (second % 60 === 45 && !injecting) {
      injecting = true;
      emulator.addFault({ route: "token", status: 400, times: 5 });
      setTimeout(() => {
        emulator.clearFaults();
        injecting = false;
      }, 2_000);
    }
    const batch = [];
    for (let i = 0; i < 50; i++) {
      const credential = apps[Math.floor(Math.random() * apps.length)];
      batch.push(call(() => credential.getToken(RESOURCES[0])));
    }
    if (oboWorks) {
      for (let i = 0; i < 5; i++) {
        counts.obo++;
        const obo = new OnBehalfOfCredential({
          ...options,
          tenantId: tenant.id,
          clientId: api.clientId,
          clientSecret: api.secrets[0],
          userAssertionToken: userAssertion(),
        });
        batch.push(
          obo.getToken("https://storage.azure.com/.default").catch((error) => {
            if (counts.obo <= 5 && !injecting) {
              oboWorks = false;
              counts.oboUnavailable++;
              process.stderr.write(`[soak] OBO against the emulator failed, continuing without it: ${String(error?.message).split("\n")[0]}\n`);
            } else if (!injecting) counts.failed++;
            else counts.injectedFailures++;
          }),
        );
      }
    }
    await Promise.all(batch);
    await new Promise((r) => setTimeout(r, 20));
  }
  clearInterval(sampler);
  await sample();
  child.send({ type: "close" });
  await new Promise((resolve) => child.once("exit", resolve));
  rmSync(dataDir, { recursive: true, force: true });

  const warm = samples.filter((s) => s.t >= Math.min(60, SECONDS / 4));
  const first = warm[0];
  const last = samples.at(-1);
  const summary = {
    seconds: SECONDS,
    tokenLifetimeSeconds: TOKEN_SECONDS,
    credentials: CREDENTIALS,
    ...counts,
    heapAfterWarmupMB: first.heapMB,
    heapEndMB: last.heapMB,
    heapMaxAfterWarmupMB: Math.max(...warm.map((s) => s.heapMB)),
    externalAfterWarmupMB: first.externalMB,
    externalEndMB: last.externalMB,
    rssAfterWarmupMB: first.rssMB,
    rssEndMB: last.rssMB,
    rssMaxAfterWarmupMB: Math.max(...warm.map((s) => s.rssMB)),
    emulatorRssAfterWarmupMB: first.emulatorRssMB,
    emulatorRssEndMB: last.emulatorRssMB,
    mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
    loadAverage1m: { min: Math.min(...samples.map((s) => s.load1)), max: Math.max(...samples.map((s) => s.load1)) },
  };
  writeFileSync(new URL(process.env.SOAK_OUT ?? "results.json", OUT), JSON.stringify({ node: process.version, summary, samples }, null, 2) + "\n");
  if (process.env.SOAK_OUT === undefined) writeFileSync(new URL("chart.svg", OUT), chart(samples));
  console.log(JSON.stringify(summary, null, 2));
}

/** A small line chart of the library's heap and RSS and the emulator's RSS (MB) over time. */
function chart(points) {
  const W = 640,
    H = 240,
    L = 48,
    B = 28;
  const maxT = Math.max(1, ...points.map((p) => p.t));
  const maxY = Math.ceil((1.1 * Math.max(...points.map((p) => Math.max(p.rssMB, p.emulatorRssMB ?? 0)))) / 50) * 50 || 50; // headroom for the legend
  const x = (t) => L + ((W - L - 10) * t) / maxT;
  const y = (v) => H - B - ((H - B - 10) * v) / maxY;
  const line = (key, color) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${x(p.t).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ")}"/>`;
  const ticks = [0, maxY / 2, maxY]
    .map(
      (v) =>
        `<text x="${L - 6}" y="${y(v) + 4}" text-anchor="end" font-size="11">${v}</text><line x1="${L}" x2="${W - 10}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>${ticks}
${line("emulatorRssMB", "#999")}${line("rssMB", "#d62728")}${line("heapMB", "#1f77b4")}
<text x="${L}" y="${H - 8}" font-size="11">0 s</text><text x="${W - 10}" y="${H - 8}" font-size="11" text-anchor="end">${maxT} s</text>
<text x="${L + 8}" y="16" font-size="12" fill="#d62728">library RSS MB</text><text x="${L + 110}" y="16" font-size="12" fill="#1f77b4">library heapUsed MB (after GC)</text><text x="${L + 320}" y="16" font-size="12" fill="#999">emulator RSS MB (child process)</text>
</svg>
`;
}
