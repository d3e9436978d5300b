// The environment variables through which each host announces itself to client libraries
// (protocols.md 3.1 detection order): what a test sets to make a client "see" one host.
import type { ManagedIdentityHost } from "../types.js";
import { APP_SERVICE_TOKEN_PATH } from "./appService.js";
import { AZURE_ARC_PREFIX, AZURE_ARC_TOKEN_PATH } from "./azureArc.js";
import { AZURE_ML_TOKEN_PATH } from "./azureMl.js";
import { CLOUD_SHELL_TOKEN_PATH } from "./cloudShell.js";
import type { ManagedIdentityContext } from "./context.js";
import { hostTenant, systemIdentity } from "./identities.js";

export const MANAGED_IDENTITY_HOSTS: readonly ManagedIdentityHost[] = ["imds", "appService", "serviceFabric", "azureArc", "azureMl", "cloudShell"];

export interface HostEndpoints {
  httpUrl: string;
  serviceFabricUrl: string;
  serviceFabricThumbprint: string;
}

export function managedIdentityEnvironment(host: ManagedIdentityHost, endpoints: HostEndpoints, context: ManagedIdentityContext): Record<string, string> {
  const { httpUrl } = endpoints;
  switch (host) {
    case "imds":
      return { AZURE_POD_IDENTITY_AUTHORITY_HOST: httpUrl };
    case "appService":
      return { IDENTITY_ENDPOINT: `${httpUrl}${APP_SERVICE_TOKEN_PATH}`, IDENTITY_HEADER: context.appServiceSecret };
    case "serviceFabric":
      return {
        IDENTITY_ENDPOINT: endpoints.serviceFabricUrl,
        IDENTITY_HEADER: context.serviceFabricSecret,
        IDENTITY_SERVER_THUMBPRINT: endpoints.serviceFabricThumbprint,
      };
    case "azureArc":
      return { IDENTITY_ENDPOINT: `${httpUrl}${AZURE_ARC_TOKEN_PATH}`, IMDS_ENDPOINT: `${httpUrl}${AZURE_ARC_PREFIX}` };
    case "azureMl": {
      // AML always sets DEFAULT_IDENTITY_CLIENT_ID: the client id of the compute's own identity.
      const system = systemIdentity(hostTenant(context));
      return {
        MSI_ENDPOINT: `${httpUrl}${AZURE_ML_TOKEN_PATH}`,
        MSI_SECRET: context.azureMlSecret,
        ...(system === undefined ? {} : { DEFAULT_IDENTITY_CLIENT_ID: system.clientId }),
      };
    }
    case "cloudShell":
      return { MSI_ENDPOINT: `${httpUrl}${CLOUD_SHELL_TOKEN_PATH}` };
    default:
      throw new TypeError(`Unknown managed identity host "${String(host)}"; expected one of ${MANAGED_IDENTITY_HOSTS.join(", ")}`);
  }
}
