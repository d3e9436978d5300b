// Routes for the managed-identity listeners: one plain-HTTP listener carries IMDS, App Service,
// Azure Arc, Azure ML and Cloud Shell, each under its own path (real hosts each have their own
// port; IMDS keeps its real path so AZURE_POD_IDENTITY_AUTHORITY_HOST can point at the listener);
// Service Fabric has its own HTTPS listener. A trailing slash is accepted everywhere: msal-node's
// URL normalisation adds one.
import { EntraError } from "../entra/errors.js";
import type { ManagedIdentityRoute } from "../faults.js";
import type { IncomingRequest } from "../http/incomingRequest.js";
import { jsonResponse, type HttpResponse } from "../http/response.js";
import type { Route } from "../router.js";
import { APP_SERVICE_TOKEN_PATH, handleAppServiceRequest } from "./appService.js";
import { AZURE_ARC_TOKEN_PATH, handleAzureArcRequest } from "./azureArc.js";
import { AZURE_ML_TOKEN_PATH, handleAzureMlRequest } from "./azureMl.js";
import { CLOUD_SHELL_TOKEN_PATH, handleCloudShellRequest } from "./cloudShell.js";
import type { ManagedIdentityContext } from "./context.js";
import { appServiceError, imdsError, serviceFabricError } from "./errors.js";
import { handleImdsRequest, IMDS_TOKEN_PATH } from "./imds.js";
import { handleServiceFabricRequest, SERVICE_FABRIC_TOKEN_PATH } from "./serviceFabric.js";

interface HostRoute {
  name: ManagedIdentityRoute;
  path: string;
  method: "GET" | "POST";
  handler: (context: ManagedIdentityContext, request: IncomingRequest) => HttpResponse | Promise<HttpResponse>;
}

const HTTP_ROUTES: HostRoute[] = [
  { name: "imds", path: IMDS_TOKEN_PATH, method: "GET", handler: handleImdsRequest },
  { name: "appService", path: APP_SERVICE_TOKEN_PATH, method: "GET", handler: handleAppServiceRequest },
  { name: "azureArc", path: AZURE_ARC_TOKEN_PATH, method: "GET", handler: handleAzureArcRequest },
  { name: "azureMl", path: AZURE_ML_TOKEN_PATH, method: "GET", handler: handleAzureMlRequest },
  { name: "cloudShell", path: CLOUD_SHELL_TOKEN_PATH, method: "POST", handler: handleCloudShellRequest },
];
const SERVICE_FABRIC_ROUTES: HostRoute[] = [{ name: "serviceFabric", path: SERVICE_FABRIC_TOKEN_PATH, method: "GET", handler: handleServiceFabricRequest }];

export function routeManagedIdentityRequest(context: ManagedIdentityContext, request: IncomingRequest): Route {
  return routeIn(HTTP_ROUTES, context, request);
}

export function routeServiceFabricRequest(context: ManagedIdentityContext, request: IncomingRequest): Route {
  return routeIn(SERVICE_FABRIC_ROUTES, context, request);
}

function routeIn(routes: HostRoute[], context: ManagedIdentityContext, request: IncomingRequest): Route {
  const path = request.path.length > 1 && request.path.endsWith("/") ? request.path.slice(0, -1) : request.path;
  const route = routes.find((candidate) => candidate.path === path);
  if (route === undefined) {
    return {
      name: "other",
      handle: async () =>
        jsonResponse(404, {
          error: "not_found",
          error_description: `The emulator's managed-identity listener has no endpoint ${request.method} ${request.path}.`,
        }),
    };
  }
  return {
    name: route.name,
    handle: async () => {
      if (request.method !== route.method) {
        return jsonResponse(
          405,
          { error: "method_not_allowed", error_description: `${request.method} is not supported on ${request.path}` },
          { allow: route.method },
        );
      }
      try {
        return await route.handler(context, request);
      } catch (error) {
        if (error instanceof EntraError) return relayedEntraError(route.name, error);
        throw error;
      }
    },
  };
}

/** An error from Entra behind the host (an unknown resource), in the shape that host uses. */
function relayedEntraError(host: ManagedIdentityRoute, error: EntraError): HttpResponse {
  if (host === "appService") return appServiceError(error.status, error.message);
  if (host === "serviceFabric") return serviceFabricError(error.status, error.error, error.message);
  return imdsError(error.status, error.error, error.message);
}
