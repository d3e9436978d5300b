// What every managed identity host looks like to ManagedIdentityCredential: a name, the endpoint it
// talks to (as shown in logs and errors), the user-assigned selectors it supports, and one function
// that turns (resource, identity) into a validated AccessToken. Hosts never cache and never log.
import type { HttpClient } from "../http/transport.js";
import type { AccessToken } from "../types.js";
import type { ManagedIdentityRetryPolicy } from "./retryPolicy.js";

export type HostKind = "imds" | "appService" | "serviceFabric" | "azureArc" | "azureMl" | "cloudShell";

/** How a user-assigned identity is named; `system` asks for the host's system-assigned identity. */
export type SelectorKind = "clientId" | "objectId" | "resourceId";
export type IdentitySelector = { kind: "system" } | { kind: SelectorKind; value: string };

/** The transport, retry policy and User-Agent a host sends with. */
export interface HostHttp {
  client: HttpClient;
  retry: ManagedIdentityRetryPolicy;
  userAgent: string;
  /** Per-attempt deadline (ms). */
  attemptTimeoutMs: number;
}

export interface HostTokenRequest {
  /** The resource (the scope without `/.default`). */
  resource: string;
  selector: IdentitySelector;
  /** Absolute deadline (ms) for the whole acquisition, retries included. */
  deadline: number;
  http: HostHttp;
}

export interface ManagedIdentityHost {
  readonly kind: HostKind;
  /** "App Service", "IMDS", ... as shown in messages. */
  readonly displayName: string;
  /** The endpoint without query or credentials: safe to log. */
  readonly endpoint: string;
  readonly supportedSelectors: readonly SelectorKind[];
  /** Values that must never appear in a message (the host's secret header, ...). */
  readonly secrets: readonly string[];
  /** Transport requirements: plain http allowed to the endpoint's origin; Service Fabric's certificate pin. */
  readonly transport: { httpOrigin?: string; pinnedThumbprint?: string };
  fetchToken(request: HostTokenRequest): Promise<AccessToken>;
}

const SELECTOR_LABEL: Record<SelectorKind, string> = { clientId: "client id", objectId: "object id", resourceId: "resource id" };

export function describeSelector(selector: IdentitySelector): string {
  return selector.kind === "system" ? "the system-assigned identity" : `the user-assigned identity with ${SELECTOR_LABEL[selector.kind]} ${selector.value}`;
}

export function selectorOptionNames(kinds: readonly SelectorKind[]): string {
  return kinds.length === 0 ? "none (system-assigned only)" : kinds.join(", ");
}

/** "App Service (http://127.0.0.1:4141/msi/token), the system-assigned identity, resource https://vault.azure.net" */
export function describeRequest(host: ManagedIdentityHost, request: HostTokenRequest): string {
  return `${host.displayName} (${host.endpoint}), ${describeSelector(request.selector)}, resource ${request.resource}`;
}

/** The endpoint as it may be shown: origin and path only (no query, no user info). */
export function displayEndpoint(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
