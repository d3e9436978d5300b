// Regional authorities against the emulator: the credential is configured for the public cloud, and an
// httpClient (the documented transport option) maps Microsoft's public and regional token hosts onto
// the emulator over real HTTPS, recording which host each request was meant for. Region discovery
// asks a real loopback server standing in for IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST, as managed
// identity does). Nothing leaves loopback.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { ClientSecretCredential, RegionalAuthority, type HttpClient } from "../../../src/index.js";
import { tokenCache } from "../../../src/core/cache/tokenCache.js";
import { createNodeHttpClient } from "../../../src/core/http/nodeHttpClient.js";
import { clearRegionDiscovery, regionalTokenEndpoint } from "../../../src/sources/entra/regionalAuthority.js";
import { useEmulator } from "../../support/emulator.js";

const env = useEmulator();
const PUBLIC = "https://login.microsoftonline.com";

/** Sends Microsoft's token hosts to the emulator; remembers the host each request was addressed to. */
function mappedToEmulator(): { client: HttpClient; hosts: string[] } {
  const inner = createNodeHttpClient({ ca: env.emu.caCertPem });
  const hosts: string[] = [];
  return {
    hosts,
    client: {
      sendRequest(request) {
        const url = new URL(request.url);
        if (!/(^|\.)login\.microsoft(online)?\.com$/.test(url.hostname)) return inner.sendRequest(request);
        hosts.push(url.hostname);
        return inner.sendRequest({ ...request, url: env.emu.url + url.pathname + url.search });
      },
    },
  };
}

let imds: Server;
let imdsUrl = "";
const imdsRequests: Array<{ url: string; metadata: string | undefined }> = [];

describe("regional authorities", () => {
  before(async () => {
    imds = createServer((req, res) => {
      imdsRequests.push({ url: req.url ?? "", metadata: req.headers.metadata as string | undefined });
      setTimeout(() => res.writeHead(200, { "content-type": "text/plain" }).end("UKSouth"), 100);
    });
    await new Promise<void>((resolve) => imds.listen(0, "127.0.0.1", resolve));
    imdsUrl = `http://127.0.0.1:${(imds.address() as { port: number }).port}`;
  });
  after(() => imds.close());
  beforeEach(() => {
    tokenCache.clear();
    clearRegionDiscovery();
  });
  afterEach(() => {
    delete process.env.AZURE_REGIONAL_AUTHORITY_NAME;
    delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
    delete process.env.REGION_NAME;
  });

  it("AZURE_REGIONAL_AUTHORITY_NAME sends token requests to <region>.login.microsoft.com", async () => {
    process.env.AZURE_REGIONAL_AUTHORITY_NAME = "westus2";
    const { clientId, secret } = env.addApp();
    const { client, hosts } = mappedToEmulator();
    const token = await new ClientSecretCredential(env.tenantId, clientId, secret, { authorityHost: PUBLIC, httpClient: client }).getToken(
      "https://storage.azure.com/.default",
    );
    assert.ok(token.token.length > 0);
    assert.deepEqual(hosts, ["westus2.login.microsoft.com"]);
  });

  it("the regionalAuthority option wins over the variable; without either the global host is used", async () => {
    process.env.AZURE_REGIONAL_AUTHORITY_NAME = "westus2";
    const { clientId, secret } = env.addApp();
    const regional = mappedToEmulator();
    await new ClientSecretCredential(env.tenantId, clientId, secret, {
      authorityHost: PUBLIC,
      httpClient: regional.client,
      regionalAuthority: RegionalAuthority.EuropeWest,
    }).getToken("https://storage.azure.com/.default");
    assert.deepEqual(regional.hosts, ["westeurope.login.microsoft.com"]);
    delete process.env.AZURE_REGIONAL_AUTHORITY_NAME;
    tokenCache.clear();
    const global = mappedToEmulator();
    await new ClientSecretCredential(env.tenantId, clientId, secret, { authorityHost: PUBLIC, httpClient: global.client }).getToken(
      "https://storage.azure.com/.default",
    );
    assert.deepEqual(global.hosts, ["login.microsoftonline.com"]);
  });

  it("AutoDiscoverRegion: the first token does not wait for IMDS (global host); once IMDS answers, requests go to its region", async () => {
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = imdsUrl;
    const before = imdsRequests.length;
    const { clientId, secret } = env.addApp();
    const { client, hosts } = mappedToEmulator();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, {
      authorityHost: PUBLIC,
      httpClient: client,
      regionalAuthority: RegionalAuthority.AutoDiscoverRegion,
    });
    await credential.getToken("https://storage.azure.com/.default");
    const discovery = imdsRequests.slice(before);
    assert.equal(discovery.length, 1);
    assert.match(discovery[0]!.url, /^\/metadata\/instance\/compute\/location\?format=text&api-version=/);
    assert.equal(discovery[0]!.metadata, "true");
    await new Promise((r) => setTimeout(r, 300)); // IMDS answers after 100 ms
    await credential.getToken("https://vault.azure.net/.default");
    assert.deepEqual(hosts, ["login.microsoftonline.com", "uksouth.login.microsoft.com"]);
  });

  it("REGION_NAME answers auto-discovery without asking IMDS", async () => {
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = imdsUrl;
    process.env.REGION_NAME = "japaneast";
    const before = imdsRequests.length;
    const { clientId, secret } = env.addApp();
    const { client, hosts } = mappedToEmulator();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, {
      authorityHost: PUBLIC,
      httpClient: client,
      regionalAuthority: "AutoDiscoverRegion",
    });
    await credential.getToken("https://storage.azure.com/.default");
    await new Promise((r) => setTimeout(r, 10));
    await credential.getToken("https://vault.azure.net/.default");
    assert.equal(imdsRequests.length, before);
    assert.equal(hosts.at(-1), "japaneast.login.microsoft.com");
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
});
