// `azid token`: print an access token like `az account get-access-token`, from the credential the
// environment configures.
import { EnvironmentCredential } from "@azid/identity";
import { flag, parseArgs, UsageError } from "../args.js";

export const tokenHelp = `Usage: azid token --scope SCOPE [--tenant TENANT] [--output json|token]

Prints an access token from the credential configured by the environment (AZURE_TENANT_ID,
AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, or AZURE_USERNAME and
AZURE_PASSWORD; AZURE_AUTHORITY_HOST for other clouds or the emulator).
  --scope SCOPE       e.g. https://management.azure.com/.default (repeatable)
  --resource URI      shorthand for --scope URI/.default
  --tenant TENANT     request the token for another (allowed) tenant
  --output FORMAT     json (default, like az account get-access-token) or token (the bare token)`;

export async function runToken(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const args = parseArgs(argv, { scope: { value: true, repeat: true }, resource: { value: true }, tenant: { value: true }, output: { value: true }, help: {} });
  if (args.flags.has("help")) {
    out.write(tokenHelp + "\n");
    return 0;
  }
  const scopes = [...(args.flags.get("scope") ?? [])];
  const resource = flag(args, "resource");
  if (resource !== undefined) scopes.push(`${resource.replace(/\/+$/, "")}/.default`);
  if (scopes.length === 0) throw new UsageError("pass --scope SCOPE (or --resource URI)");
  const output = flag(args, "output") ?? "json";
  if (output !== "json" && output !== "token") throw new UsageError(`--output must be json or token, received '${output}'`);
  const tenant = flag(args, "tenant");

  const credential = new EnvironmentCredential(process.env.AZURE_AUTHORITY_HOST ? { disableInstanceDiscovery: true } : {});
  const token = await credential.getToken(scopes, tenant !== undefined ? { tenantId: tenant } : {});
  if (token === null) throw new Error("the credential returned no token");
  if (output === "token") out.write(token.token + "\n");
  else {
    const expiresOn = new Date(token.expiresOnTimestamp);
    out.write(JSON.stringify({
      accessToken: token.token,
      expiresOn: expiresOn.toISOString().replace("T", " ").replace(/\.\d+Z$/, ".000000"),
      expires_on: Math.floor(token.expiresOnTimestamp / 1000),
      tokenType: token.tokenType ?? "Bearer",
      ...(tenant !== undefined ? { tenant } : process.env.AZURE_TENANT_ID ? { tenant: process.env.AZURE_TENANT_ID } : {}),
    }, null, 2) + "\n");
  }
  return 0;
}
