// Every sample runs as a child process, the way a user runs it, against the local Entra ID emulator
// (and Azurite for storage), with only the environment samples/emulatorSetup.mjs gives it. The
// assertions are on what the sample prints and on what the emulator saw, so no sample rots.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { get } from "node:http";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DEFAULT_CLIENT_ID, DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, startEmulator, type Emulator } from "@azid/emulator";
import { UsernamePasswordCredential } from "@azid/identity";
import { launchChromium, requireChromium, serverKeyPin } from "../packages/identity/test/support/browser.js";
// @ts-expect-error plain JavaScript module shared with samples/run.mjs
import { approveDeviceCodes, SAMPLE_EMULATOR_OPTIONS, sampleEnv, startServices } from "./emulatorSetup.mjs";

type Services = { emulator: Emulator; azurite?: { blobEndpoint: string }; redis?: { url: string }; close(): Promise<void> };

let emulator: Emulator;
let services: Services;

/** Only what a user's shell would have, plus the runner's NODE_OPTIONS (tsx, network guard). */
function childEnv(sampleVariables: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, NODE_OPTIONS } = process.env;
  return { PATH, HOME, NODE_OPTIONS, ...sampleVariables };
}

function samplePath(name: string): string {
  return fileURLToPath(new URL(`./${name}/main.mjs`, import.meta.url));
}

async function runSample(name: string, variant?: string, env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  env ??= await sampleEnv(name, services, variant);
  const child = spawn(process.execPath, [samplePath(name)], { env: childEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise<number>((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
  return { code, stdout, stderr };
}

function countRequests(route: string): number {
  return emulator.requests.filter((request) => request.route === route).length;
}

before(async () => {
  emulator = await startEmulator(SAMPLE_EMULATOR_OPTIONS);
  services = await startServices(emulator, ["storage-default-credential", "fleet-redis"]);
});

after(async () => {
  await services?.close();
  await emulator?.close();
});

describe("samples", () => {
  it("storage-default-credential writes a blob through DefaultAzureCredential and reads it back (Azurite)", async () => {
    const tokensBefore = countRequests("token");
    const { code, stdout, stderr } = await runSample("storage-default-credential");
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^wrote blob sample-\d+\/hello-[\w-]+\.txt \(66 bytes\)$/m);
    assert.match(stdout, /^read back: the same text$/m);
    assert.equal(countRequests("token") - tokensBefore, 1, "one token request for every storage call");
  });

  it("service-principal-certificate gets an app token for the requested audience", async () => {
    const { code, stdout, stderr } = await runSample("service-principal-certificate");
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^token for audience https:\/\/management\.azure\.com$/m);
    assert.match(stdout, /, roles Sample\.Read$/m);
    const sent = emulator.requests.filter((r) => r.route === "token").at(-1);
    assert.equal(sent?.form?.client_assertion_type, "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    assert.equal(sent?.form?.client_secret, undefined);
  });

  it("managed-identity gets a system-assigned token from IMDS", async () => {
    const imdsBefore = countRequests("imds");
    const { code, stdout, stderr } = await runSample("managed-identity");
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^token for audience https:\/\/vault\.azure\.net$/m);
    assert.match(stdout, /^system-assigned identity [0-9a-f-]{36}, resource \/subscriptions\/.+\/virtualMachines\//m);
    assert.ok(countRequests("imds") > imdsBefore, "the emulator's IMDS answered");
  });

  it("managed-identity gets a user-assigned token on App Service", async () => {
    const before = countRequests("appService");
    const { code, stdout, stderr } = await runSample("managed-identity", "appService");
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^user-assigned identity [0-9a-f-]{36}, resource .+\/userAssignedIdentities\//m);
    assert.equal(countRequests("appService") - before, 1);
  });

  it("device-code-cli signs the user in once a person enters the code", async () => {
    const approved: string[] = [];
    const stop = approveDeviceCodes(emulator, (code: string) => approved.push(code));
    try {
      const { code, stdout, stderr } = await runSample("device-code-cli");
      assert.equal(code, 0, stderr);
      assert.equal(approved.length, 1, "one device code");
      assert.match(stderr, new RegExp(`enter the code ${approved[0]} `), "the prompt is on stderr");
      assert.match(stdout, new RegExp(`^signed in as ${DEFAULT_USERNAME.replace(/\./g, "\\.")} `, "m"));
      assert.match(stdout, /^token for audience https:\/\/management\.azure\.com, scopes /m);
      assert.doesNotMatch(stdout, /eyJ[\w-]+\.eyJ/, "no token is printed");
    } finally {
      stop();
    }
  });

  it("device-code-stays-signed-in signs in once, and the next run is silent: no device code, no request", async () => {
    const approved: string[] = [];
    const stop = approveDeviceCodes(emulator, (code: string) => approved.push(code));
    try {
      const env = await sampleEnv("device-code-stays-signed-in", services);
      const first = await runSample("device-code-stays-signed-in", undefined, env);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(approved.length, 1, "one device code");
      assert.match(first.stdout, new RegExp(`^signed in as ${DEFAULT_USERNAME.replace(/\./g, "\\.")} `, "m"));
      const requestsBefore = emulator.requests.length;
      const second = await runSample("device-code-stays-signed-in", undefined, env);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stdout, /^welcome back, .+: signed in silently from the token cache$/m);
      assert.match(second.stdout, /^token for audience https:\/\/management\.azure\.com, scopes /m);
      assert.equal(approved.length, 1, "no second device code");
      assert.equal(emulator.requests.length - requestsBefore, 0, "the second run sent the emulator nothing");
      assert.doesNotMatch(first.stdout + second.stdout, /eyJ[\w-]+\.eyJ/, "no token is printed");
    } finally {
      stop();
    }
  });

  it("fleet-redis: 4 processes started at once make one token request; the other 3 read the token from Redis", async () => {
    const env = await sampleEnv("fleet-redis", services);
    const before = countRequests("token");
    const runs = await Promise.all(Array.from({ length: 4 }, () => runSample("fleet-redis", undefined, env)));
    for (const run of runs) {
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^token for audience https:\/\/storage\.azure\.com, app [0-9a-f-]{36}, from (redis|entra)$/m);
    }
    assert.equal(countRequests("token") - before, 1, "one token request for the fleet");
    assert.deepEqual(runs.map((r) => /from (\w+)/.exec(r.stdout)![1]).sort(), ["entra", "redis", "redis", "redis"]);
  });

  it("browser-spa: a user signs in in the popup in real chromium; the page shows their token's audience", async (t) => {
    if (!requireChromium(t)) return;
    const env = await sampleEnv("browser-spa", services);
    const server = spawn(process.execPath, [samplePath("browser-spa")], { env: childEnv(env), stdio: ["ignore", "pipe", "inherit"] });
    const session = await launchChromium([await serverKeyPin(emulator.url, emulator.caCertPem)]);
    try {
      const origin = await new Promise<string>((resolve, reject) => {
        let out = "";
        server.stdout!.on("data", (chunk) => {
          out += chunk;
          const match = /listening on (http:\/\/localhost:\d+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        server.on("exit", (code) => reject(new Error(`the SPA server exited (${code}) before listening`)));
      });
      const page = await session.context.newPage();
      await page.goto(origin);
      const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#sign-in")]);
      await popup.waitForURL(/\/oauth2\/v2\.0\/authorize/);
      // The person at the keyboard: picks the account and types the password on the emulator's page.
      await popup.click(`button.account[value="${DEFAULT_USERNAME}"]`);
      await popup.locator("#password").waitFor();
      await popup.fill("#password", DEFAULT_PASSWORD);
      await popup.click("#sign-in");
      await page.waitForFunction(() => (document.getElementById("result")?.textContent ?? "") !== "");
      const result = await page.locator("#result").textContent();
      assert.equal(result, `signed in as ${DEFAULT_USERNAME}; token for audience https://storage.azure.com, scopes user_impersonation`);
      const redemption = emulator.requests.filter((r) => r.route === "token" && r.form?.client_id === env.AZURE_CLIENT_ID);
      assert.deepEqual(
        redemption.map((r) => r.form?.grant_type),
        ["authorization_code"],
        "one redemption; the second getToken came from the cache",
      );
      assert.equal(redemption[0]!.headers.origin, origin, "redeemed by the page itself (cross-origin, as Entra requires for SPAs)");
      assert.equal(redemption[0]!.form?.client_secret, undefined);
    } finally {
      await session.close();
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        server.kill("SIGTERM");
        await exited;
      }
    }
  });

  describe("obo-web-api", () => {
    let server: ChildProcess;
    let base: string;

    before(async () => {
      const env = await sampleEnv("obo-web-api", services);
      server = spawn(process.execPath, [samplePath("obo-web-api")], { env: childEnv(env), stdio: ["ignore", "pipe", "inherit"] });
      base = await new Promise<string>((resolve, reject) => {
        let out = "";
        server.stdout!.on("data", (chunk) => {
          out += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match) resolve(match[1]!);
        });
        server.on("exit", (code) => reject(new Error(`the API exited (${code}) before listening`)));
      });
    });

    after(async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        server.kill("SIGTERM");
        await exited;
      }
    });

    function getMe(bearer?: string): Promise<{ status: number; body: Record<string, any> }> {
      return new Promise((resolve, reject) => {
        const request = get(`${base}/me`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} }, (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        });
        request.on("error", reject);
      });
    }

    it("exchanges the caller's token for a downstream token as the same user", async () => {
      // The client app: a user signed in to the public client, asking for a token to the API.
      const client = new UsernamePasswordCredential(emulator.config.tenants[0]!.id, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, DEFAULT_PASSWORD, {
        authorityHost: emulator.url,
        tlsOptions: { ca: emulator.caCertPem },
      });
      const callerToken = await client.getToken(`api://${DEFAULT_CLIENT_ID}/.default`);
      const { status, body } = await getMe(callerToken.token);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.user, DEFAULT_USERNAME);
      assert.equal(body.downstream.audience, "https://graph.microsoft.com");
      const exchange = emulator.requests.filter((r) => r.route === "token").at(-1);
      assert.equal(exchange?.form?.requested_token_use, "on_behalf_of");
    });

    it("answers 401 without a bearer token, and 401 when Entra refuses the exchange", async () => {
      assert.equal((await getMe()).status, 401);
      const refused = await getMe("eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.");
      assert.equal(refused.status, 401);
      assert.equal(refused.body.error, "AuthenticationError");
    });
  });
});
