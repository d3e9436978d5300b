// The `workerd` build (dist/web/index.js) in real workerd, through miniflare: a Cloudflare Worker gets
// client-credentials tokens from the emulator with fetch and Web Crypto, keeps them in the one cache
// across requests, exchanges federated tokens given by callback, and refuses the credentials a worker can't have. The worker's only way out is
// miniflare's outboundService, which forwards loopback requests (from this Node process, under the
// network guard) and refuses any other address.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { after, before, describe, it } from "node:test";
import { Miniflare, Response as MiniflareResponse } from "miniflare";
import { useEmulator } from "../support/emulator.js";

const FIXTURES = "packages/identity/test/fixtures/certificates";
const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();

const WORKER = `
import { ChainedTokenCredential, ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, CredentialUnavailableError,
  ManagedIdentityCredential, WorkloadIdentityCredential, getBearerTokenProvider } from "./azid.mjs";
let secretCredential;
const certificateCredentials = new Map();
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const options = { authorityHost: env.AUTHORITY, disableInstanceDiscovery: true, retryOptions: { retryDelayInMs: 20 } };
    try {
      if (url.pathname === "/secret") {
        secretCredential ??= new ClientSecretCredential(env.TENANT, env.CLIENT_ID, env.SECRET, options);
        const token = await secretCredential.getToken(env.SCOPE);
        return Response.json({ token: token.token, expiresOnTimestamp: token.expiresOnTimestamp });
      }
      if (url.pathname === "/certificate") {
        const algorithm = url.searchParams.get("alg");
        let credential = certificateCredentials.get(algorithm);
        if (credential === undefined) {
          credential = new ClientCertificateCredential(env.TENANT, env.CERT_CLIENT_ID, { certificate: env.PEM }, { ...options, assertionAlgorithm: algorithm, sendCertificateChain: true });
          certificateCredentials.set(algorithm, credential);
        }
        // One scope per algorithm: both credentials are the same certificate, so they share cached tokens.
        return Response.json({ token: (await credential.getToken(\`https://\${algorithm.toLowerCase()}.example/.default\`)).token });
      }
      if (url.pathname === "/chain") {
        const failing = { getToken: async () => { throw new CredentialUnavailableError("not here"); } };
        const chain = new ChainedTokenCredential(failing, new ClientSecretCredential(env.TENANT, env.CLIENT_ID, env.SECRET, options));
        return Response.json({ bearer: await getBearerTokenProvider(chain, env.SCOPE)() });
      }
      if (url.pathname === "/federated") {
        const workload = new WorkloadIdentityCredential({ tenantId: env.TENANT, clientId: env.WI_CLIENT_ID, getAssertion: async () => env.FEDERATED_TOKEN, ...options });
        const assertion = new ClientAssertionCredential(env.TENANT, env.WI_CLIENT_ID, async () => env.FEDERATED_TOKEN, options);
        return Response.json({
          workload: (await workload.getToken("https://workload.example/.default")).token,
          assertion: (await assertion.getToken("https://assertion.example/.default")).token,
        });
      }
      if (url.pathname === "/workload-file") {
        new WorkloadIdentityCredential({ tenantId: env.TENANT, clientId: env.CLIENT_ID, tokenFilePath: "/var/run/token", ...options });
        return Response.json({ constructed: true });
      }
      if (url.pathname === "/managed-identity") {
        new ManagedIdentityCredential();
        return Response.json({ constructed: true });
      }
      if (url.pathname === "/elsewhere") {
        const response = await fetch("https://login.microsoftonline.com/common/discovery/instance");
        return Response.json({ status: response.status });
      }
      return new Response("not found", { status: 404 });
    } catch (error) {
      return Response.json({ name: error.name, message: error.message, code: error.code }, { status: 500 });
    }
  },
};
`;

let mf: Miniflare;
let outbound: string[] = [];
let app: { clientId: string; secret: string };
let certApp: { clientId: string };
let workloadApp: { clientId: string };

/** The worker's outbound fetch: loopback only, TLS checked against the emulator's CA. */
async function forward(request: Request): Promise<Response> {
  const url = new URL(request.url);
  outbound.push(url.href);
  if (url.hostname !== "127.0.0.1") return new MiniflareResponse(`outbound to ${url.hostname} refused by the test`, { status: 599 }) as unknown as Response;
  const body = request.method === "GET" ? undefined : Buffer.from(await request.arrayBuffer());
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: request.method, headers, ca: env.emu.caCertPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") responseHeaders[name] = value;
        resolve(new MiniflareResponse(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers: responseHeaders }) as unknown as Response);
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function call(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await mf.dispatchFetch(`http://worker.test${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the workerd build in workerd (miniflare)", () => {
  before(async () => {
    env.emu.config.resources = [...(env.emu.config.resources ?? []), "https://*.example"];
    app = env.addApp();
    workloadApp = env.addApp({
      secrets: [],
      federatedCredentials: [
        { issuer: env.emu.federation.issuerUrl(), subject: "system:serviceaccount:workers:azid", audiences: ["api://AzureADTokenExchange"] },
      ],
    });
    certApp = env.addApp({
      secrets: [],
      certificates: [readFileSync(`${FIXTURES}/cert.pem`, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0]],
    });
    mf = new Miniflare({
      modules: [
        { type: "ESModule", path: "worker.mjs", contents: WORKER },
        { type: "ESModule", path: "azid.mjs", contents: readFileSync("packages/identity/dist/web/index.js", "utf8") },
      ],
      compatibilityDate: "2025-01-01",
      bindings: {
        AUTHORITY: env.emu.url,
        TENANT: env.tenantId,
        CLIENT_ID: app.clientId,
        SECRET: app.secret,
        CERT_CLIENT_ID: certApp.clientId,
        PEM: readFileSync(`${FIXTURES}/cert.pem`, "utf8"),
        SCOPE: STORAGE,
        WI_CLIENT_ID: workloadApp.clientId,
        FEDERATED_TOKEN: env.emu.federation.mint({ subject: "system:serviceaccount:workers:azid" }),
      },
      outboundService: forward,
      cf: false, // no download of request.cf data from workers.cloudflare.com
    });
    await mf.ready;
  });
  after(async () => {
    await mf?.dispose();
  });

  it("gets a client-credentials token and serves later requests from the isolate's cache", async () => {
    const before = env.tokenRequests().length;
    const first = await call("/secret");
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const payload = JSON.parse(Buffer.from(String(first.body.token).split(".")[1]!, "base64url").toString());
    assert.equal(payload.appid, app.clientId);
    for (let i = 0; i < 5; i++) {
      const again = await call("/secret");
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.token, first.body.token);
    }
    assert.equal(env.tokenRequests().length - before, 1, "one token request for six worker requests");
    const form = env.tokenRequests().at(-1)!.form!;
    assert.equal(form.client_secret, app.secret);
    assert.equal(form.grant_type, "client_credentials");
  });

  for (const algorithm of ["PS256", "RS256"]) {
    it(`signs a ${algorithm} client assertion with Web Crypto that the emulator verifies`, async () => {
      const result = await call(`/certificate?alg=${algorithm}`);
      assert.equal(result.status, 200, JSON.stringify(result.body));
      const assertion = env.tokenRequests().at(-1)!.form!.client_assertion!;
      const header = JSON.parse(Buffer.from(assertion.split(".")[0]!, "base64url").toString());
      assert.equal(header.alg, algorithm);
      assert.equal(typeof header["x5t#S256"], "string");
      assert.equal(Array.isArray(header.x5c), true);
      assert.equal(header.x5t !== undefined, algorithm === "RS256");
    });
  }

  it("walks a ChainedTokenCredential and returns a bearer token through getBearerTokenProvider", async () => {
    const result = await call("/chain");
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.match(String(result.body.bearer), /^eyJ/);
  });

  it("exchanges a federated token given by callback: WorkloadIdentityCredential getAssertion and ClientAssertionCredential", async () => {
    const result = await call("/federated");
    assert.equal(result.status, 200, JSON.stringify(result.body));
    for (const token of [result.body.workload, result.body.assertion]) {
      assert.equal(JSON.parse(Buffer.from(String(token).split(".")[1]!, "base64url").toString()).appid, workloadApp.clientId);
    }
    const forms = env
      .tokenRequests()
      .slice(-2)
      .map((r) => r.form!);
    for (const form of forms)
      assert.equal(JSON.parse(Buffer.from(form.client_assertion!.split(".")[1]!, "base64url").toString()).sub, "system:serviceaccount:workers:azid");
  });

  it("refuses, at construction, what a worker can't have, naming the alternative", async () => {
    const managed = await call("/managed-identity");
    assert.equal(managed.status, 500);
    assert.equal(managed.body.name, "CredentialUnavailableError");
    assert.match(String(managed.body.message), /ManagedIdentityCredential is not supported .*workerd.*ClientSecretCredential/);
    const workload = await call("/workload-file");
    assert.equal(workload.body.name, "CredentialUnavailableError");
    assert.match(String(workload.body.message), /getAssertion/);
  });

  it("reaches nothing but loopback", async () => {
    outbound = [];
    const result = await call("/elsewhere");
    assert.equal(result.body.status, 599);
    assert.deepEqual(outbound, ["https://login.microsoftonline.com/common/discovery/instance"]);
  });
});
