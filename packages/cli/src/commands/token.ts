// `azid token`: print an access token like `az account get-access-token`, from DefaultAzureCredential
// (or one named credential), with the token's non-secret claims and which credential issued it.
import {
  AzureCliCredential,
  AzurePipelinesCredential,
  CredentialUnavailableError,
  AzureDeveloperCliCredential,
  AzurePowerShellCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
  SharedTokenCacheCredential,
  VisualStudioCodeCredential,
  WorkloadIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from "@azid/identity";
import { flag, parseArgs, UsageError } from "../args.js";
import { decodeClaims } from "../claims.js";
import { authorityOptions } from "../credentialOptions.js";
import { EXIT } from "../exitCodes.js";
import { checkScopes } from "../scopes.js";
import { persistentCredential, PERSISTENT_CREDENTIALS } from "../persistence.js";

export const tokenHelp = `Usage: azid token --scope SCOPE [--tenant TENANT] [--credential NAME] [--output json|token] [--persist]

Prints an access token. By default from DefaultAzureCredential: the environment (AZURE_TENANT_ID,
AZURE_CLIENT_ID, AZURE_CLIENT_SECRET...), workload identity, managed identity, then the signed-in
Azure CLI, Azure PowerShell or Azure Developer CLI, as @azure/identity ('azid doctor' shows what this
machine provides; AZURE_TOKEN_CREDENTIALS=SharedTokenCacheCredential uses a Visual Studio sign-in).
  --scope SCOPE        e.g. https://management.azure.com/.default (repeatable, for one resource:
                       a token serves one resource)
  --resource URI       shorthand for --scope URI/.default
  --tenant TENANT      request the token for another (allowed) tenant
  --credential NAME    default (DefaultAzureCredential), env, wi, mi, sharedcache, vscode, cli, azd,
                       pwsh, browser, devicecode, pipelines, or a credential class name (e.g.
                       AzureCliCredential). pipelines reads AZURESUBSCRIPTION_TENANT_ID,
                       AZURESUBSCRIPTION_CLIENT_ID, AZURESUBSCRIPTION_SERVICE_CONNECTION_ID and
                       SYSTEM_ACCESSTOKEN, as the AzureCLI@2 task sets them
  --output FORMAT      json (default: az's fields, the credential, and the token's non-secret claims)
                       or token (the bare token)
  --json               same as --output json
  --persist            keep tokens across runs in a persistent cache (~/.IdentityService/azid-cli.nocae,
                       encrypted with a key in the OS keyring), so the next azid token answers from it
                       without a request and a user signs in once (for ${PERSISTENT_CREDENTIALS.join(", ")})
  --allow-unencrypted-storage
                       with --persist where no keyring runs (SSH, containers, CI): a plaintext 0600 file
Exit codes: 0 token printed, 2 usage, 3 no credential available, 4 authentication failed, 1 other.`;

type Factory = () => TokenCredential;

const CREDENTIALS: Record<string, Factory> = {
  default: () => new DefaultAzureCredential(authorityOptions()),
  env: () => new EnvironmentCredential(authorityOptions()),
  wi: () => new WorkloadIdentityCredential(authorityOptions()),
  mi: () => new ManagedIdentityCredential(),
  sharedcache: () => new SharedTokenCacheCredential(authorityOptions()),
  vscode: () => new VisualStudioCodeCredential(),
  cli: () => new AzureCliCredential(),
  azd: () => new AzureDeveloperCliCredential(),
  pwsh: () => new AzurePowerShellCredential(),
  browser: () => new InteractiveBrowserCredential(authorityOptions()),
  // The prompt goes to stderr: stdout carries only the token.
  devicecode: () => new DeviceCodeCredential({ ...authorityOptions(), userPromptCallback: (info) => void process.stderr.write(`${info.message}\n`) }),
  pipelines: pipelinesCredential,
};

/** The variables the AzureCLI@2 / AzurePowerShell@5 tasks export for a workload-identity service connection. */
const PIPELINES_VARIABLES = [
  "AZURESUBSCRIPTION_TENANT_ID",
  "AZURESUBSCRIPTION_CLIENT_ID",
  "AZURESUBSCRIPTION_SERVICE_CONNECTION_ID",
  "SYSTEM_ACCESSTOKEN",
] as const;

function pipelinesCredential(): TokenCredential {
  const missing = PIPELINES_VARIABLES.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new CredentialUnavailableError(
      `AzurePipelinesCredential is unavailable. Missing: ${missing.join("; ")} (in a pipeline, map SYSTEM_ACCESSTOKEN: $(System.AccessToken) into the step's env).`,
    );
  }
  const [tenantId, clientId, serviceConnectionId, systemAccessToken] = PIPELINES_VARIABLES.map((name) => process.env[name]!);
  return new AzurePipelinesCredential(tenantId!, clientId!, serviceConnectionId!, systemAccessToken!, authorityOptions());
}

const ALIASES: Record<string, string> = {
  defaultazurecredential: "default",
  environment: "env",
  environmentcredential: "env",
  workloadidentity: "wi",
  workloadidentitycredential: "wi",
  managedidentity: "mi",
  managedidentitycredential: "mi",
  sharedtokencache: "sharedcache",
  sharedtokencachecredential: "sharedcache",
  visualstudiocode: "vscode",
  visualstudiocodecredential: "vscode",
  az: "cli",
  azurecli: "cli",
  azureclicredential: "cli",
  azuredeveloperclicredential: "azd",
  powershell: "pwsh",
  azurepowershellcredential: "pwsh",
  interactivebrowsercredential: "browser",
  devicecodecredential: "devicecode",
  azurepipelines: "pipelines",
  azurepipelinescredential: "pipelines",
};

export function resolveCredentialName(value: string): string {
  const key = value.trim().toLowerCase();
  const name = CREDENTIALS[key] !== undefined ? key : ALIASES[key];
  if (name === undefined)
    throw new UsageError(`--credential must be one of ${Object.keys(CREDENTIALS).join(", ")} (or a credential class name), received '${value}'`);
  return name;
}

export async function runToken(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const args = parseArgs(argv, {
    scope: { value: true, repeat: true },
    resource: { value: true },
    tenant: { value: true },
    credential: { value: true },
    output: { value: true },
    json: {},
    persist: {},
    "allow-unencrypted-storage": {},
    help: {},
  });
  if (args.flags.has("help")) {
    out.write(tokenHelp + "\n");
    return EXIT.ok;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument '${args.positionals[0]}' (give each scope its own --scope)`);
  const scopes = [...(args.flags.get("scope") ?? [])];
  const resource = flag(args, "resource");
  if (resource !== undefined) scopes.push(`${resource.replace(/\/+$/, "")}/.default`);
  if (scopes.length === 0) throw new UsageError("pass --scope SCOPE (or --resource URI)");
  checkScopes(scopes);
  const output = flag(args, "output") ?? "json";
  if (output !== "json" && output !== "token") throw new UsageError(`--output must be json or token, received '${output}'`);
  if (args.flags.has("json") && flag(args, "output") === "token") throw new UsageError("--json and --output token contradict each other");
  const tenant = flag(args, "tenant");
  const name = resolveCredentialName(flag(args, "credential") ?? "default");

  const persist = args.flags.has("persist");
  if (!persist && args.flags.has("allow-unencrypted-storage")) throw new UsageError("--allow-unencrypted-storage goes with --persist");
  const persistent = persist ? await persistentCredential(name, args.flags.has("allow-unencrypted-storage")) : undefined;
  const credential = persistent?.credential ?? CREDENTIALS[name]!();
  const options = tenant !== undefined ? { tenantId: tenant } : {};
  await persistent?.prepare?.(scopes, options);
  let token: AccessToken | null;
  let issuer = credential.constructor.name;
  if (credential instanceof DefaultAzureCredential) {
    const result = await credential.getTokenWithSource(scopes, options);
    token = result.token;
    issuer = result.credential.constructor.name;
  } else {
    token = await credential.getToken(scopes, options);
  }
  if (token === null) throw new Error("the credential returned no token");
  if (output === "token") {
    out.write(token.token + "\n");
    return EXIT.ok;
  }
  const claims = decodeClaims(token.token);
  const tenantShown = tenant ?? (typeof claims.tid === "string" ? claims.tid : undefined) ?? process.env.AZURE_TENANT_ID;
  const expiresOn = new Date(token.expiresOnTimestamp);
  out.write(
    JSON.stringify(
      {
        accessToken: token.token,
        expiresOn: expiresOn
          .toISOString()
          .replace("T", " ")
          .replace(/\.\d+Z$/, ".000000"),
        expires_on: Math.floor(token.expiresOnTimestamp / 1000),
        tokenType: token.tokenType ?? "Bearer",
        ...(tenantShown !== undefined ? { tenant: tenantShown } : {}),
        credential: issuer,
        claims,
      },
      null,
      2,
    ) + "\n",
  );
  return EXIT.ok;
}
