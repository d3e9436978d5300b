// What every managed identity host looks like to ManagedIdentityCredential: a name, the endpoint it
// talks to (as shown in logs and errors), the user-assigned selectors it supports, and one function
// that turns (resource, identity) into a validated AccessToken. Hosts never cache and never log.
import type { HttpClient } from "../../core/http/httpClient.js";
import type { AccessToken } from "../../core/types.js";
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
  /**
   * The credential closed: it stops using the transport. The last credential using a shared endpoint
   * client ends its keep-alive connections; a caller's own httpClient is never touched. Once per HostHttp.
   */
  release(): void;
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

/** Plain http is allowed to exactly the endpoint's origin when the platform names an http endpoint. */
export function httpOriginOf(endpoint: URL): { httpOrigin: string | undefined } {
  return { httpOrigin: endpoint.protocol === "http:" ? endpoint.origin : undefined };
}

/** `endpoint?api-version=V&resource=R` plus the host's own parameters (unset ones left out): what every host but Cloud Shell asks. */
export function hostTokenUrl(endpoint: URL, apiVersion: string, request: HostTokenRequest, parameters: Record<string, string | undefined> = {}): URL {
  const target = new URL(endpoint);
  target.searchParams.set("api-version", apiVersion);
  target.searchParams.set("resource", request.resource);
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) target.searchParams.set(name, value);
  return target;
}

/** The query parameter naming a user-assigned identity, for hosts that take one: `{ client_id: "..." }` or `{}`. */
export function selectorParameter(selector: IdentitySelector, names: Partial<Record<SelectorKind, string>>): Record<string, string> {
  if (selector.kind === "system") return {};
  const name = names[selector.kind];
  return name === undefined ? {} : { [name]: selector.value };
}

/** The endpoint as it may be shown: origin and path only (no query, no user info). */
export function displayEndpoint(url: URL): string {
  return `${url.origin}${url.pathname}`;
}
