// Deno and Bun (both from npm) run a subset of the wire tests (fixtures/wire.mjs) against the
// emulator, with each build they could load: the Node build, which they pick through the package's
// `import` condition (Deno: deno > node > import; Bun: bun > node > import; neither matches `workerd`
// or `browser`), and the web build on the fetch path. The emulator's CA is trusted the runtime's
// own way (Deno: DENO_CERT; Bun: NODE_EXTRA_CA_CERTS). Loopback only: Deno runs with
// --allow-net=127.0.0.1, Bun in a network namespace whose only interface is loopback.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { before, describe, it } from "node:test";
import { promisify } from "node:util";
import { loopbackNamespaceUnavailable, runInLoopbackNamespace } from "../../../emulator/test/clients/support/loopbackBridge.js";
import { useEmulator } from "../support/emulator.js";

const ROOT = resolve(".");
const WIRE = resolve("packages/identity/test/runtimes/fixtures/wire.mjs");
const PEM = readFileSync("packages/identity/test/fixtures/certificates/cert.pem", "utf8");
const BUILDS = { node: resolve("packages/identity/dist/esm/index.js"), web: resolve("packages/identity/dist/web/index.js") };
const env = useEmulator();

interface Outcome {
  name: string;
  ok: boolean;
  cached?: boolean;
  singleFlight?: boolean;
  token?: string;
  bearer?: string;
  error?: { name: string; message: string; code?: string };
}

let app: { clientId: string; secret: string };
let certClientId: string;
let namespaceUnavailable: string | undefined;

function wireEnv(build: string, extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    AZID_BUILD: build,
    AZID_AUTHORITY: env.emu.url,
    AZID_TENANT: env.tenantId,
    AZID_CLIENT_ID: app.clientId,
    AZID_SECRET: app.secret,
    AZID_CERT_CLIENT_ID: certClientId,
    AZID_PEM: PEM,
    ...extra,
  };
}

async function runDeno(build: string): Promise<{ outcomes: Map<string, Outcome>; stderr: string }> {
  const args = ["run", "--allow-net=127.0.0.1", "--allow-env", `--allow-read=${ROOT}`, WIRE];
  const result = await promisify(execFile)(resolve("node_modules/.bin/deno"), args, {
    env: wireEnv(build, { DENO_CERT: env.emu.caCertPath, DENO_NO_UPDATE_CHECK: "1", AZID_TRY_ELSEWHERE: build === BUILDS.web ? "1" : "0" }),
    timeout: 90_000,
  });
  return { outcomes: parse(result.stdout), stderr: result.stderr };
}

async function runBun(build: string): Promise<{ outcomes: Map<string, Outcome>; stderr: string }> {
  const result = await runInLoopbackNamespace(resolve("node_modules/.bin/bun"), [WIRE], {
    ports: [Number(new URL(env.emu.url).port)],
    env: wireEnv(build, { NODE_EXTRA_CA_CERTS: env.emu.caCertPath, AZID_TRY_ELSEWHERE: "1" }),
    cwd: ROOT,
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, result.stderr);
  return { outcomes: parse(result.stdout), stderr: result.stderr };
}

function parse(stdout: string): Map<string, Outcome> {
  const outcomes = new Map<string, Outcome>();
  for (const line of stdout.split("\n").filter((l) => l.startsWith("{"))) {
    const outcome = JSON.parse(line) as Outcome;
    outcomes.set(outcome.name, outcome);
  }
  return outcomes;
}

function assertWire(outcomes: Map<string, Outcome>, requestsBefore: number): void {
  const secret = outcomes.get("secret")!;
  assert.equal(secret.ok, true, JSON.stringify(secret.error));
  assert.equal(secret.cached, true, "the second getToken came from the cache");
  assert.equal(secret.singleFlight, true, "two concurrent getToken calls got one token");
  assert.equal(JSON.parse(Buffer.from(secret.token!.split(".")[1]!, "base64url").toString()).appid, app.clientId);
  const certificate = outcomes.get("certificate")!;
  assert.equal(certificate.ok, true, JSON.stringify(certificate.error));
  assert.equal(JSON.parse(Buffer.from(certificate.token!.split(".")[1]!, "base64url").toString()).appid, certClientId);
  const chain = outcomes.get("chain")!;
  assert.equal(chain.ok, true, JSON.stringify(chain.error));
  assert.equal(chain.bearer, secret.token, "the chain's ClientSecretCredential (same app and secret) is served by the one process-wide cache");
  const wrong = outcomes.get("wrongSecret")!;
  assert.equal(wrong.ok, false);
  assert.equal(wrong.error!.name, "AuthenticationError");
  assert.match(wrong.error!.message, /invalid_client/);
  // secret: storage + vault (single flight), certificate: 1, chain: 0 (cached), wrong secret: 1.
  const requests = env.tokenRequests().slice(requestsBefore);
  assert.equal(requests.length, 4, `token requests: ${requests.map((r) => r.form?.scope).join(", ")}`);
}

describe("Deno and Bun against the emulator", () => {
  before(async () => {
    app = env.addApp();
    certClientId = env.addApp({ secrets: [], certificates: [PEM.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0]] }).clientId;
    namespaceUnavailable = await loopbackNamespaceUnavailable();
  });

  for (const [label, build] of Object.entries(BUILDS)) {
    it(`deno runs the ${label} build: secret, certificate, cache, single flight, chain, typed errors`, async () => {
      const before = env.tokenRequests().length;
      const { outcomes } = await runDeno(build);
      assertWire(outcomes, before);
      if (build === BUILDS.web) {
        const elsewhere = outcomes.get("elsewhere")!;
        assert.equal(elsewhere.ok, false, "login.microsoftonline.com is out of reach");
        assert.equal(elsewhere.error!.code, "ERR_NETWORK");
      }
    });

    it(`bun runs the ${label} build: secret, certificate, cache, single flight, chain, typed errors`, async (t) => {
      if (namespaceUnavailable !== undefined && !process.env.CI) return t.skip(namespaceUnavailable);
      const before = env.tokenRequests().length;
      const { outcomes } = await runBun(build);
      assertWire(outcomes, before);
      const elsewhere = outcomes.get("elsewhere")!;
      assert.equal(elsewhere.ok, false, "nothing but loopback exists in the namespace");
      assert.equal(elsewhere.error!.code, "ERR_NETWORK");
    });
  }
});
