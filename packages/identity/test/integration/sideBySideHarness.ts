// The side-by-side tests' harness (sideBySide.test.ts, sideBySideAccountLogging.test.ts): each scenario
// runs through @azure/identity 4.13.1 and through azid, each in its own child process
// (sideBySideClient.mjs) against the emulator over HTTPS, and the test compares the outcomes. Two files,
// so neither comes near the runner's per-file timeout on a loaded machine (one file took 55-65 s alone).
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import {
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_PASSWORD,
  DEFAULT_PIPELINES_SERVICE_CONNECTION_ID,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_USERNAME,
} from "@azid/emulator";
import { useEmulator } from "../support/emulator.js";
import { parseChildJson, runNodeScript } from "./nodeChild.js";

export const CHILD = fileURLToPath(new URL("./sideBySideClient.mjs", import.meta.url));
/** The emulator for the importing test file: importing this module registers its before/after hooks. */
export const env = useEmulator();
const CERT = fileURLToPath(new URL("../fixtures/certificates/cert.pem", import.meta.url));
const leafPem = readFileSync(CERT, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/)![0];

export async function both(scenario: string, app: { clientId: string; secret: string }, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ azure: any; azid: any }> {
  // Managed identity is pointed at a closed loopback port (unless a scenario gives it the emulator's IMDS): nothing leaves loopback.
  const childEnv = { ...env.childEnv(app), AZURE_LOG_LEVEL: "", AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:1", ...extraEnv };
  const [azure, azid] = await Promise.all(
    ["azure", "azid"].map(async (lib) =>
      parseChildJson<any>(await (scenario === "account:DeviceCodeCredential" ? runApprovingDeviceCodes : runNodeScript)(CHILD, [lib, scenario], childEnv)),
    ),
  );
  return { azure, azid };
}

/** runNodeScript, playing the user of a device code sign-in: each `devicecode:<code>` line the child prints is approved in the emulator. */
function runApprovingDeviceCodes(script: string, args: string[], childEnv: NodeJS.ProcessEnv): ReturnType<typeof runNodeScript> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
      for (const [, code] of String(d).matchAll(/^devicecode:(\S+)$/gm)) setTimeout(() => env.emu.deviceCode.approve(code!, DEFAULT_USERNAME), 100);
    });
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      // The device code lines are not the result: parseChildJson reads the last line.
      resolve({ code, stdout, stderr });
    });
  });
}

/** What each credential kind needs besides an app with a secret: its app, and the environment the child reads. */
export function accountSetup(kind: string): { app: { clientId: string; secret: string }; extraEnv: NodeJS.ProcessEnv } {
  if (kind === "ClientCertificateCredential" || kind === "ClientAssertionCredential") {
    return { app: { ...env.addApp({ secrets: [], certificates: [leafPem] }), secret: "" }, extraEnv: { AZURE_CLIENT_CERTIFICATE_PATH: CERT } };
  }
  if (
    kind === "UsernamePasswordCredential" ||
    kind === "OnBehalfOfCredential" ||
    kind === "DeviceCodeCredential" ||
    kind === "AuthorizationCodeCredential" ||
    kind === "InteractiveBrowserCredential"
  ) {
    // OnBehalfOfCredential: the emulator's default app is the web API, its caller a user signed in by ROPC.
    const app = kind === "OnBehalfOfCredential" ? { clientId: DEFAULT_CLIENT_ID, secret: DEFAULT_CLIENT_SECRET } : env.addApp();
    // AuthorizationCodeCredential: a web app, with the redirect URI its sign-in returns to.
    if (kind === "AuthorizationCodeCredential") env.emu.config.tenants[0]!.apps.at(-1)!.redirectUris = ["http://localhost:8400/callback"];
    return {
      app,
      extraEnv: { SIDE_PUBLIC_CLIENT_ID: DEFAULT_PUBLIC_CLIENT_ID, AZURE_USERNAME: DEFAULT_USERNAME, AZURE_PASSWORD: DEFAULT_PASSWORD },
    };
  }
  if (kind === "AzurePipelinesCredential") {
    // The emulator's Azure DevOps OIDC endpoint and the service connection its default app trusts.
    return {
      app: { clientId: DEFAULT_CLIENT_ID, secret: "" },
      extraEnv: {
        SYSTEM_OIDCREQUESTURI: env.emu.pipelines.oidcRequestUri,
        SIDE_SYSTEM_ACCESS_TOKEN: env.emu.pipelines.systemAccessToken,
        SIDE_SERVICE_CONNECTION_ID: DEFAULT_PIPELINES_SERVICE_CONNECTION_ID,
      },
    };
  }
  if (kind === "ManagedIdentityCredential") return { app: env.addApp(), extraEnv: env.emu.managedIdentity.env("imds") };
  if (kind === "WorkloadIdentityCredential") {
    const subject = `system:serviceaccount:side:${randomUUID().slice(0, 8)}`;
    const app = env.addApp({
      secrets: [],
      federatedCredentials: [{ issuer: env.emu.federation.issuerUrl(), subject, audiences: ["api://AzureADTokenExchange"] }],
    });
    const file = join(mkdtempSync(join(tmpdir(), "azid-side-")), "token");
    writeFileSync(file, env.emu.federation.mint({ subject }));
    return { app: { ...app, secret: "" }, extraEnv: { AZURE_FEDERATED_TOKEN_FILE: file } };
  }
  return { app: env.addApp(), extraEnv: {} };
}

export const ACCOUNT_LOGGING_KINDS = [
  "ClientSecretCredential",
  "ClientCertificateCredential",
  "ClientAssertionCredential",
  "UsernamePasswordCredential",
  "ManagedIdentityCredential",
  "WorkloadIdentityCredential",
  "EnvironmentCredential",
  "DefaultAzureCredential",
  "ChainedTokenCredential",
  "OnBehalfOfCredential",
  "AzurePipelinesCredential",
  "DeviceCodeCredential",
];
