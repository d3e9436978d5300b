// What each sample needs from the local Entra ID emulator (and Azurite), as environment variables:
// the same names the sample reads in production, so a sample never knows whether it talks to the
// emulator or to Azure. Used by samples/run.mjs (a person trying a sample) and samples.test.ts (CI).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import { DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USER_IDENTITY_CLIENT_ID } from "@azid/emulator";
import { startAzurite } from "../scripts/lib/azurite.mjs";
import { freePort, startRedis } from "../scripts/lib/redis.mjs";

/** The runnable samples: folder name → what to start and how. */
export const SAMPLES = {
  "storage-default-credential": { needsAzurite: true, description: "DefaultAzureCredential with @azure/storage-blob" },
  "service-principal-certificate": { description: "ClientCertificateCredential (a PEM certificate)" },
  "managed-identity": { description: "ManagedIdentityCredential on IMDS (system-assigned) or App Service (user-assigned)" },
  "device-code-cli": { description: "a CLI that signs a user in with a device code", deviceCodes: true },
  "device-code-stays-signed-in": {
    description: "the device-code CLI that stays signed in across runs (@azid/cache-persistence)",
    deviceCodes: true,
    runs: 2, // the second run is silent
  },
  "fleet-redis": {
    description: "processes sharing a service principal's tokens through Redis (@azid/cache-redis)",
    needsRedis: true,
    runs: 4,
    concurrent: true,
  },
  "obo-web-api": { server: true, description: "a web API calling a downstream API on behalf of its caller (OnBehalfOfCredential)" },
  "browser-spa": { server: true, description: "a single-page app signing its user in with a popup (azid's browser build)" },
};

/** Options for startEmulator() that make the samples quick (device-code polling every second). */
export const SAMPLE_EMULATOR_OPTIONS = { deviceCodeIntervalSeconds: 1 };

/** Starts Azurite and redis-server when a sample needs them; `close()` stops them. */
export async function startServices(emulator, names) {
  const azurite = names.some((name) => SAMPLES[name]?.needsAzurite) ? await startAzurite(emulator) : undefined;
  const redis = names.some((name) => SAMPLES[name]?.needsRedis) ? await startRedis() : undefined;
  return {
    emulator,
    azurite,
    redis,
    close: async () => {
      await azurite?.close();
      await redis?.stop();
    },
  };
}

/**
 * The environment for one run of a sample. Starts from `azid emulator`'s own output (authority host,
 * CA, tenant, the default app and its secret) and adds or replaces what the sample's task needs.
 * `variant` picks a second configuration of the same sample (managed identity: "appService").
 */
export async function sampleEnv(name, { emulator, azurite, redis }, variant) {
  const base = emulator.env();
  switch (name) {
    case "storage-default-credential":
      return { ...base, AZURE_STORAGE_BLOB_URL: azurite.blobEndpoint, AZURE_STORAGE_CONTAINER: `sample-${Date.now()}` };

    case "service-principal-certificate": {
      // An app registration with a certificate: the emulator keeps the public part, the key stays here.
      const tenant = emulator.config.tenants[0];
      const clientId = randomUUID();
      const { certPem, keyPem } = await emulator.createClientCertificate("azid sample certificate");
      tenant.apps.push({ clientId, displayName: "azid sample: certificate app", certificates: [certPem], roles: ["Sample.Read"] });
      const dir = mkdtempSync(join(tmpdir(), "azid-sample-cert-"));
      const certificatePath = join(dir, "sample-cert.pem");
      writeFileSync(certificatePath, keyPem + certPem, { mode: 0o600 });
      const { AZURE_CLIENT_SECRET: _secret, ...rest } = base;
      return { ...rest, AZURE_CLIENT_ID: clientId, AZURE_CLIENT_CERTIFICATE_PATH: certificatePath };
    }

    case "managed-identity": {
      // Only what an Azure host provides: no service principal, no tenant. Never 169.254.169.254.
      const host = variant === "appService" ? "appService" : "imds";
      const env = { NODE_EXTRA_CA_CERTS: base.NODE_EXTRA_CA_CERTS, NO_PROXY: base.NO_PROXY, ...emulator.managedIdentity.env(host) };
      return variant === "appService" ? { ...env, AZURE_CLIENT_ID: DEFAULT_USER_IDENTITY_CLIENT_ID } : env;
    }

    case "device-code-cli": {
      const { AZURE_CLIENT_SECRET: _secret, ...rest } = base;
      return { ...rest, AZURE_CLIENT_ID: DEFAULT_PUBLIC_CLIENT_ID };
    }

    case "device-code-stays-signed-in": {
      // A home of its own, so the persistent cache and the record never touch the real one; no
      // keyring in CI, hence the owner-only plaintext file (on a desktop, drop SAMPLE_ALLOW_PLAINTEXT).
      const { AZURE_CLIENT_SECRET: _secret, ...rest } = base;
      const home = variant ?? mkdtempSync(join(tmpdir(), "azid-sample-home-"));
      return { ...rest, AZURE_CLIENT_ID: DEFAULT_PUBLIC_CLIENT_ID, HOME: home, SAMPLE_RECORD_PATH: join(home, "account.json"), SAMPLE_ALLOW_PLAINTEXT: "1" };
    }

    case "fleet-redis":
      // The default confidential app (AZURE_CLIENT_ID/SECRET from the emulator) and a fleet key.
      return { ...base, REDIS_URL: redis.url, AZID_CACHE_KEY: variant ?? randomBytes(32).toString("base64") };

    case "browser-spa": {
      // A SPA app registration whose redirect URI is the page's origin; the page runs in a browser,
      // so it gets ids, not a secret.
      const port = await freePort();
      const tenant = emulator.config.tenants[0];
      const clientId = randomUUID();
      tenant.apps.push({ clientId, displayName: "azid sample: single-page app", spaRedirectUris: [`http://localhost:${port}`] });
      return { AZURE_AUTHORITY_HOST: base.AZURE_AUTHORITY_HOST, AZURE_TENANT_ID: tenant.id, AZURE_CLIENT_ID: clientId, PORT: String(port) };
    }

    case "obo-web-api":
      // The API is the default confidential app; it calls Microsoft Graph for its caller.
      return { ...base, PORT: "0", DOWNSTREAM_SCOPE: "https://graph.microsoft.com/.default" };

    default:
      throw new RangeError(`unknown sample '${name}' (one of ${Object.keys(SAMPLES).join(", ")})`);
  }
}

/**
 * The "person" of the device-code sample: approves every code the emulator hands out, as someone
 * entering it at /devicelogin would. Returns a function that stops it.
 */
export function approveDeviceCodes(emulator, onApprove = () => {}) {
  const timer = setInterval(() => {
    for (const { userCode } of emulator.deviceCode.pending()) {
      emulator.deviceCode.approve(userCode);
      onApprove(userCode);
    }
  }, 100);
  return () => clearInterval(timer);
}
