// Regional authorities against the emulator, which answers Entra's global and regional host names on
// loopback (entraHostNames). The credential is configured for the public cloud; an httpClient (the
// documented transport option) is a host override: it connects to the emulator's loopback port but
// keeps the URL's name in Host and TLS SNI, and the emulator's certificate must match that name. The
// emulator records which host and region each token request came through. Region discovery asks a
// real loopback server standing in for IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST, as managed identity
// does). Nothing resolves a Microsoft name and nothing leaves loopback.
import assert from "node:assert/strict";
import { createHash, createPrivateKey, createSign, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, RegionalAuthority, type HttpClient } from "../../../src/index.js";
import { tokenCache } from "../../../src/core/cache/tokenCache.js";
import { createNodeHttpClient } from "../../../src/core/http/nodeHttpClient.js";
import { clearRegionDiscovery, regionalTokenEndpoint } from "../../../src/sources/entra/regionalAuthority.js";
import { useEmulator } from "../../support/emulator.js";
import { parseChildJson, runNodeScript } from "../../integration/nodeChild.js";

const env = useEmulator({ entraHostNames: true });
const PUBLIC = "https://login.microsoftonline.com";
const STORAGE = "https://storage.azure.com/.default";
const FIXTURES = "packages/identity/test/fixtures/certificates";
const leafPem = readFileSync(`${FIXTURES}/cert.pem`, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];

/** Microsoft's token hosts go to the emulator's loopback port under their own name (Host and SNI); the rest as usual. */
function hostOverride(): HttpClient {
  const inner = createNodeHttpClient({ ca: env.emu.caCertPem });
  return {
    sendRequest(request) {
      const url = new URL(request.url);
      if (!/(^|\.)login\.microsoft(online)?\.com$/.test(url.hostname)) return inner.sendRequest(request);
      return new Promise((resolve, reject) => {
        const req = httpsRequest(
          {
            host: "127.0.0.1",
            port: Number(new URL(env.emu.url).port),
            servername: url.hostname, // the certificate is checked against the regional name
            ca: env.emu.caCertPem,
            agent: false,
            method: request.method,
            path: url.pathname + url.search,
            headers: { ...request.headers, host: url.host },
            timeout: request.timeoutMs,
          },
          (res) => {
            let body = "";
            res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, bodyText: body }));
          },
        );
        req.on("error", reject).on("timeout", () => req.destroy(new Error("timeout")));
        req.end(request.body);
      });
    },
  };
}

/** A new app's ClientSecretCredential for the public cloud with AutoDiscoverRegion; `from` indexes its first token request. */
function autoDiscovering(): { credential: ClientSecretCredential; from: number } {
  const { clientId, secret } = env.addApp();
  const options = { authorityHost: PUBLIC, httpClient: hostOverride(), regionalAuthority: RegionalAuthority.AutoDiscoverRegion };
  return { credential: new ClientSecretCredential(env.tenantId, clientId, secret, options), from: env.tokenRequests().length };
}

/** Resolves once `condition` holds (checked every 10 ms, for at most 5 s). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), "condition not met within 5 s");
}

/** A client assertion signed with the fixture certificate's key, as an application would make one. */
function callerAssertion(clientId: string): string {
  const pem = readFileSync(`${FIXTURES}/cert.pem`, "utf8");
  const der = Buffer.from(leafPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const header = encode({ alg: "RS256", typ: "JWT", x5t: createHash("sha1").update(der).digest("base64url") });
  const payload = encode({ aud: `${PUBLIC}/${env.tenantId}/oauth2/v2.0/token`, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, exp: now + 600 });
  const signature = createSign("RSA-SHA256").update(`${header}.${payload}`).sign(createPrivateKey(pem)).toString("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The Host and the region the emulator recorded for each token request since `from`. */
function tokenRequestsSince(from: number): Array<[string | undefined, string | undefined]> {
  return env
    .tokenRequests()
    .slice(from)
    .map((r) => [r.headers.host, r.region]);
}

let imds: Server;
let imdsUrl = "";
const imdsRequests: Array<{ url: string; metadata: string | undefined }> = [];
/** How the stand-in IMDS answers: the default says UKSouth after 100 ms. */
let imdsAnswer: (res: ServerResponse, req: IncomingMessage) => void;
const defaultImdsAnswer = (res: ServerResponse) => setTimeout(() => res.writeHead(200, { "content-type": "text/plain" }).end("UKSouth"), 100);

describe("regional authorities", () => {
  before(async () => {
    imds = createServer((req, res) => {
      imdsRequests.push({ url: req.url ?? "", metadata: req.headers.metadata as string | undefined });
      imdsAnswer(res, req);
    });
    await new Promise<void>((resolve) => imds.listen(0, "127.0.0.1", resolve));
    imdsUrl = `http://127.0.0.1:${(imds.address() as { port: number }).port}`;
  });
  after(() => imds.close());
  beforeEach(() => {
    tokenCache.clear();
    clearRegionDiscovery();
    imdsAnswer = defaultImdsAnswer;
  });
  afterEach(() => {
    delete process.env.AZURE_REGIONAL_AUTHORITY_NAME;
    delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    delete process.env.REGION_NAME;
  });

  it("AZURE_REGIONAL_AUTHORITY_NAME: the token request reaches the emulator as <region>.login.microsoft.com (Host, SNI, certificate)", async () => {
    process.env.AZURE_REGIONAL_AUTHORITY_NAME = "westus2";
    const { clientId, secret } = env.addApp();
    const from = env.tokenRequests().length;
    const token = await new ClientSecretCredential(env.tenantId, clientId, secret, { authorityHost: PUBLIC, httpClient: hostOverride() }).getToken(STORAGE);
    assert.ok(token.token.length > 0);
    assert.deepEqual(tokenRequestsSince(from), [["westus2.login.microsoft.com", "westus2"]]);
  });

  it("every confidential-client credential (secret, certificate, assertion) sends its token request to the regional host", async () => {
    const { clientId } = env.addApp({ secrets: [], certificates: [leafPem] });
    const options = { authorityHost: PUBLIC, httpClient: hostOverride(), regionalAuthority: RegionalAuthority.USEast2 };
    const secretApp = env.addApp();
    const credentials = [
      new ClientSecretCredential(env.tenantId, secretApp.clientId, secretApp.secret, options),
      new ClientCertificateCredential(env.tenantId, clientId, `${FIXTURES}/cert.pem`, options),
      // A caller-made assertion, addressed (as callers do) to the global token endpoint.
      new ClientAssertionCredential(env.tenantId, clientId, async () => callerAssertion(clientId), options),
    ];
    for (const credential of credentials) {
      tokenCache.clear();
      const from = env.tokenRequests().length;
      await credential.getToken(STORAGE);
      assert.deepEqual(tokenRequestsSince(from), [["eastus2.login.microsoft.com", "eastus2"]], credential.constructor.name);
      assert.equal(env.tokenRequests().at(-1)!.status, 200, credential.constructor.name);
    }
  });

  it("the regionalAuthority option wins over the variable; without either the global host is used", async () => {
    process.env.AZURE_REGIONAL_AUTHORITY_NAME = "westus2";
    const { clientId, secret } = env.addApp();
    const from = env.tokenRequests().length;
    await new ClientSecretCredential(env.tenantId, clientId, secret, {
      authorityHost: PUBLIC,
      httpClient: hostOverride(),
      regionalAuthority: RegionalAuthority.EuropeWest,
    }).getToken(STORAGE);
    delete process.env.AZURE_REGIONAL_AUTHORITY_NAME;
    tokenCache.clear();
    await new ClientSecretCredential(env.tenantId, clientId, secret, { authorityHost: PUBLIC, httpClient: hostOverride() }).getToken(STORAGE);
    assert.deepEqual(tokenRequestsSince(from), [
      ["westeurope.login.microsoft.com", "westeurope"],
      ["login.microsoftonline.com", undefined],
    ]);
  });

  it("AutoDiscoverRegion: the first token does not wait for IMDS (global host); once IMDS answers, requests go to its region", async () => {
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = imdsUrl;
    const before = imdsRequests.length;
    const { credential, from } = autoDiscovering();
    await credential.getToken(STORAGE);
    await until(() => imdsRequests.length > before); // discovery runs beside the token request, not before it
    const discovery = imdsRequests.slice(before);
    assert.equal(discovery.length, 1);
    assert.match(discovery[0]!.url, /^\/metadata\/instance\/compute\/location\?format=text&api-version=/);
    assert.equal(discovery[0]!.metadata, "true");
    await new Promise((r) => setTimeout(r, 300)); // IMDS answers after 100 ms
    await credential.getToken("https://vault.azure.net/.default");
    assert.deepEqual(tokenRequestsSince(from), [
      ["login.microsoftonline.com", undefined],
      ["uksouth.login.microsoft.com", "uksouth"],
    ]);
  });

  for (const [failure, answer] of [
    ["answers 404", (res: ServerResponse) => res.writeHead(404).end()],
    ["answers no region name", (res: ServerResponse) => res.writeHead(200, { "content-type": "text/plain" }).end("<html>proxy login</html>")],
    ["resets the connection", (res: ServerResponse) => res.socket?.destroy()],
  ] as const) {
    it(`AutoDiscoverRegion when IMDS ${failure}: the token comes from the global host at once, and later requests stay global`, async () => {
      process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = imdsUrl;
      // IMDS holds its (failing) answer until the first token has arrived: the token must not wait for it.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let asked!: () => void;
      const wasAsked = new Promise<void>((resolve) => (asked = resolve));
      let discoveryDone!: () => void;
      const finished = new Promise<void>((resolve) => (discoveryDone = resolve));
      imdsAnswer = (res) => {
        asked();
        res.on("close", () => discoveryDone());
        void held.then(() => answer(res));
      };
      const { credential, from } = autoDiscovering();
      await credential.getToken(STORAGE); // resolves while IMDS has not answered
      await wasAsked;
      release();
      await finished;
      await new Promise((r) => setTimeout(r, 50)); // let the client settle the failed discovery
      await credential.getToken("https://vault.azure.net/.default");
      assert.deepEqual(tokenRequestsSince(from), [
        ["login.microsoftonline.com", undefined],
        ["login.microsoftonline.com", undefined],
      ]);
    });
  }

  it("a credential addressing the emulator by its own address records no region", async () => {
    const { clientId, secret } = env.addApp();
    const from = env.tokenRequests().length;
    await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    assert.deepEqual(tokenRequestsSince(from), [[new URL(env.emu.url).host, undefined]]);
  });

  it("REGION_NAME answers auto-discovery without asking IMDS, from the first token request on (as MSAL)", async () => {
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = imdsUrl;
    process.env.REGION_NAME = "japaneast";
    const before = imdsRequests.length;
    const { clientId, secret } = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, {
      authorityHost: PUBLIC,
      httpClient: hostOverride(),
      regionalAuthority: "AutoDiscoverRegion",
    });
    const from = env.tokenRequests().length;
    await credential.getToken(STORAGE);
    await credential.getToken("https://vault.azure.net/.default");
    assert.equal(imdsRequests.length, before);
    assert.deepEqual(tokenRequestsSince(from), [
      ["japaneast.login.microsoft.com", "japaneast"],
      ["japaneast.login.microsoft.com", "japaneast"],
    ]);
  });

  it("a region that is not a region name fails at construction; other clouds get <region>.<host>", () => {
    assert.throws(
      () => new ClientSecretCredential("tenant", "client", "secret", { regionalAuthority: "west us!" }),
      (e: unknown) => e instanceof RangeError && /regionalAuthority must be an Azure region name/.test(e.message),
    );
    assert.equal(
      regionalTokenEndpoint("https://login.chinacloudapi.cn/t/oauth2/v2.0/token", "chinanorth"),
      "https://chinanorth.login.chinacloudapi.cn/t/oauth2/v2.0/token",
    );
    assert.equal(regionalTokenEndpoint("https://login.windows.net/t/oauth2/v2.0/token", "westus"), "https://westus.login.microsoft.com/t/oauth2/v2.0/token");
  });

  it("RegionalAuthority has @azure/identity 4.13.1's names and values (its internal enum, read from its build)", async () => {
    // @azure/identity does not export the enum; its regional code reads this one.
    const entry = createRequire(import.meta.url).resolve("@azure/identity");
    const theirs = (await import(pathToFileURL(join(dirname(entry), "..", "esm", "regionalAuthority.js")).href)) as {
      RegionalAuthority: Record<string, string>;
    };
    assert.ok(Object.keys(theirs.RegionalAuthority).length > 50);
    assert.deepEqual({ ...RegionalAuthority }, { ...theirs.RegionalAuthority });
  });

  // The same child script as sideBySide.test.ts, run once with @azure/identity 4.13.1 and once with azid.
  const SIDE_BY_SIDE = fileURLToPath(new URL("../../integration/sideBySideClient.mjs", import.meta.url));
  async function sideBySide(variables: Record<string, string>) {
    const app = env.addApp();
    const outcomes: Record<
      string,
      { result: { tokenType?: string; appid?: string; thrown?: unknown }; hosts: Array<[string | undefined, string | undefined]> }
    > = {};
    for (const lib of ["azure", "azid"]) {
      const from = env.tokenRequests().length;
      const run = await runNodeScript(SIDE_BY_SIDE, [lib, "regional"], { ...env.childEnv(app), AZURE_LOG_LEVEL: "", ...variables });
      outcomes[lib] = { result: parseChildJson(run), hosts: tokenRequestsSince(from) };
    }
    return { app, azure: outcomes.azure!, azid: outcomes.azid! };
  }

  it("side by side with @azure/identity 4.13.1, AZURE_REGIONAL_AUTHORITY_NAME=westus2: both send the token request to the westus2 host", async () => {
    const { app, azure, azid } = await sideBySide({ AZURE_REGIONAL_AUTHORITY_NAME: "westus2" });
    assert.deepEqual(azure, { result: { tokenType: "Bearer", appid: app.clientId }, hosts: [["westus2.login.microsoft.com", "westus2"]] });
    assert.deepEqual(azid, azure);
  });

  it("side by side, AZURE_REGIONAL_AUTHORITY_NAME=AutoDiscoverRegion with REGION_NAME=japaneast: azid uses japaneast; @azure/identity 4.13.1 asks for a host named auto_discover (better, on purpose)", async () => {
    const { app, azure, azid } = await sideBySide({ AZURE_REGIONAL_AUTHORITY_NAME: "AutoDiscoverRegion", REGION_NAME: "japaneast" });
    // @azure/identity hands msal-node the region "AUTO_DISCOVER" (msal-node's flag is "TryAutoDetect"), so msal-node
    // addresses https://auto_discover.login.microsoft.com/..., a name Entra ID does not have; the emulator refuses it.
    assert.deepEqual(azure.hosts, []);
    assert.ok(azure.result.thrown !== undefined, JSON.stringify(azure));
    assert.deepEqual(azid, { result: { tokenType: "Bearer", appid: app.clientId }, hosts: [["japaneast.login.microsoft.com", "japaneast"]] });
  });
});
