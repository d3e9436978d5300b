// Which managed identity host this process runs on, decided once from the environment, in this order
// (the order of @azure/identity + msal-node; first match wins):
//   1. Token exchange (AKS workload identity): AZURE_FEDERATED_TOKEN_FILE + AZURE_TENANT_ID + a client id
//      (the clientId option or AZURE_CLIENT_ID)            -> WorkloadIdentityCredential (managedIdentityCredential.ts)
//   2. Service Fabric: IDENTITY_ENDPOINT + IDENTITY_HEADER + IDENTITY_SERVER_THUMBPRINT -> serviceFabric.ts
//   3. App Service / Functions / Container Apps: IDENTITY_ENDPOINT + IDENTITY_HEADER  -> appService.ts
//   4. Azure Machine Learning: MSI_ENDPOINT + MSI_SECRET                               -> azureMl.ts
//   5. Cloud Shell: MSI_ENDPOINT                                                       -> cloudShell.ts
//   6. Azure Arc: IDENTITY_ENDPOINT + IMDS_ENDPOINT, or the himds agent installed      -> azureArc.ts
//   7. IMDS (default): http://169.254.169.254, or AZURE_POD_IDENTITY_AUTHORITY_HOST      -> imds.ts
// Endpoint variables are validated here, so a typo fails at construction naming the variable. Secret
// variables (IDENTITY_HEADER, MSI_SECRET) are never echoed.
import { nodeFs } from "../../core/nodeBuiltins.js";
import { appServiceHost } from "./appService.js";
import { agentTokenDirectory, ARC_DEFAULT_ENDPOINT, azureArcHost, HIMDS_EXECUTABLES } from "./azureArc.js";
import { azureMlHost } from "./azureMl.js";
import { cloudShellHost } from "./cloudShell.js";
import type { IdentitySelector, ManagedIdentityHost } from "./host.js";
import { IMDS_DEFAULT_BASE, imdsHost } from "./imds.js";
import { serviceFabricHost } from "./serviceFabric.js";

export type DetectedHost =
  | { kind: "tokenExchange"; tenantId: string; clientId: string; tokenFilePath: string }
  | { kind: "host"; host: ManagedIdentityHost; /** The variables (or file) that chose it, for messages. */ detectedFrom: string };

type Environment = Record<string, string | undefined>;

/** `arcTokenDirectory`: where Azure Arc's key files must be (default: the agent's directory for this platform). */
export function detectHost(
  env: Environment,
  selector: IdentitySelector,
  himdsInstalled: () => boolean = isHimdsInstalled,
  arcTokenDirectory: string | undefined = agentTokenDirectory(),
): DetectedHost {
  const read = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  };

  const tokenFile = read("AZURE_FEDERATED_TOKEN_FILE");
  const tenantId = read("AZURE_TENANT_ID");
  const exchangeClientId = selector.kind === "clientId" ? selector.value : read("AZURE_CLIENT_ID");
  if (tokenFile !== undefined && tenantId !== undefined && exchangeClientId !== undefined) {
    return { kind: "tokenExchange", tenantId, clientId: exchangeClientId, tokenFilePath: tokenFile };
  }

  const identityEndpoint = read("IDENTITY_ENDPOINT");
  const identityHeader = read("IDENTITY_HEADER");
  const thumbprint = read("IDENTITY_SERVER_THUMBPRINT");
  if (identityEndpoint !== undefined && identityHeader !== undefined) {
    if (thumbprint !== undefined) {
      const endpoint = endpointUrl("IDENTITY_ENDPOINT", identityEndpoint, "Service Fabric");
      if (endpoint.protocol !== "https:")
        throw new RangeError(
          `IDENTITY_ENDPOINT must be an https URL for Service Fabric (its certificate is pinned to IDENTITY_SERVER_THUMBPRINT); it is ${endpoint.protocol}//${endpoint.host}.`,
        );
      return {
        kind: "host",
        host: serviceFabricHost(endpoint, identityHeader, checkThumbprint(thumbprint)),
        detectedFrom: "IDENTITY_ENDPOINT, IDENTITY_HEADER and IDENTITY_SERVER_THUMBPRINT",
      };
    }
    return {
      kind: "host",
      host: appServiceHost(endpointUrl("IDENTITY_ENDPOINT", identityEndpoint, "App Service"), identityHeader),
      detectedFrom: "IDENTITY_ENDPOINT and IDENTITY_HEADER",
    };
  }

  const msiEndpoint = read("MSI_ENDPOINT");
  const msiSecret = read("MSI_SECRET");
  if (msiEndpoint !== undefined) {
    if (msiSecret !== undefined)
      return {
        kind: "host",
        host: azureMlHost(endpointUrl("MSI_ENDPOINT", msiEndpoint, "Azure Machine Learning"), msiSecret, read("DEFAULT_IDENTITY_CLIENT_ID")),
        detectedFrom: "MSI_ENDPOINT and MSI_SECRET",
      };
    return { kind: "host", host: cloudShellHost(endpointUrl("MSI_ENDPOINT", msiEndpoint, "Cloud Shell")), detectedFrom: "MSI_ENDPOINT (without MSI_SECRET)" };
  }

  const imdsEndpoint = read("IMDS_ENDPOINT");
  if (identityEndpoint !== undefined && imdsEndpoint !== undefined) {
    endpointUrl("IMDS_ENDPOINT", imdsEndpoint, "Azure Arc");
    return {
      kind: "host",
      host: azureArcHost(ipv4Loopback(endpointUrl("IDENTITY_ENDPOINT", identityEndpoint, "Azure Arc")), arcTokenDirectory),
      detectedFrom: "IDENTITY_ENDPOINT and IMDS_ENDPOINT",
    };
  }
  if (himdsInstalled())
    return {
      kind: "host",
      host: azureArcHost(new URL(ARC_DEFAULT_ENDPOINT), arcTokenDirectory),
      detectedFrom: "the installed Azure Connected Machine agent (himds)",
    };

  const podIdentity = read("AZURE_POD_IDENTITY_AUTHORITY_HOST");
  if (podIdentity !== undefined)
    return {
      kind: "host",
      host: imdsHost(endpointUrl("AZURE_POD_IDENTITY_AUTHORITY_HOST", podIdentity, "IMDS")),
      detectedFrom: "AZURE_POD_IDENTITY_AUTHORITY_HOST",
    };
  return { kind: "host", host: imdsHost(new URL(IMDS_DEFAULT_BASE)), detectedFrom: "no other managed identity host in the environment (the default)" };
}

function endpointUrl(variable: string, value: string, hostName: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const shown = value.includes("@") ? "(a value with user info, not shown)" : JSON.stringify(value.slice(0, 200));
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    throw new RangeError(
      `${variable} must be an absolute http(s) URL for the ${hostName} managed identity endpoint, e.g. http://127.0.0.1:41741/msi/token; it is ${shown}.`,
    );
  }
  if (url.username !== "" || url.password !== "") throw new RangeError(`${variable} must not carry user info (user:password@); it is ${shown}.`);
  return url;
}

/** The agent listens on IPv4 only; msal-node rewrites localhost the same way. */
function ipv4Loopback(url: URL): URL {
  if (url.hostname === "localhost") url.hostname = "127.0.0.1";
  return url;
}

function checkThumbprint(value: string): string {
  const hex = value.replace(/[\s:]/g, "");
  if (!/^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(hex)) {
    throw new RangeError(
      `IDENTITY_SERVER_THUMBPRINT must be the certificate's SHA-1 (40 hex digits) or SHA-256 (64 hex digits) thumbprint; it has ${hex.length} characters${/[^0-9a-fA-F]/.test(hex) ? " including non-hex ones" : ""}.`,
    );
  }
  return hex.toUpperCase();
}

function isHimdsInstalled(): boolean {
  const fs = nodeFs();
  return (HIMDS_EXECUTABLES[process.platform] ?? []).some((file) => {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  });
}
