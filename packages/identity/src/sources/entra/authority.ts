// Authority hosts and endpoint discovery. For Microsoft's own clouds the endpoints are well known
// (no network, like MSAL). For any other host, unless disableInstanceDiscovery is set, the host is
// first validated by instance discovery and its OIDC metadata is fetched once and cached; the token
// endpoint it names must stay on the same host, so a tampered document cannot redirect secrets.
import { AuthenticationError, CredentialUnavailableError } from "../../core/errors.js";
import type { HttpContext } from "../../core/http/context.js";
import { sendWithRetry } from "../../core/http/retry.js";
import { assertSecureUrl, isLoopbackHost, TransportError } from "../../core/http/httpClient.js";
import { transportFailure } from "./tokenRequest.js";
import type { AbortSignalLike } from "../../core/types.js";

/** Entra ID hosts of the national clouds, as in @azure/identity. */
export enum AzureAuthorityHosts {
  /** Azure operated by 21Vianet (China). */
  AzureChina = "https://login.chinacloudapi.cn",
  /** @deprecated Microsoft Cloud Germany was closed on October 29th, 2021. */
  AzureGermany = "https://login.microsoftonline.de",
  /** Azure US Government. */
  AzureGovernment = "https://login.microsoftonline.us",
  /** The public cloud (the default). */
  AzurePublicCloud = "https://login.microsoftonline.com",
}

const KNOWN_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.windows.net",
  "login.microsoft.com",
  "sts.windows.net",
  "login.microsoftonline.us",
  "login.usgovcloudapi.net",
  "login-us.microsoftonline.com",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
  "login.microsoftonline.de",
]);

/** Option → AZURE_AUTHORITY_HOST → public cloud; normalized without a trailing slash; https or loopback only. */
export function resolveAuthorityHost(fromOptions: string | undefined): string {
  const raw = (fromOptions ?? process.env.AZURE_AUTHORITY_HOST ?? AzureAuthorityHosts.AzurePublicCloud).trim();
  const source = fromOptions !== undefined ? "authorityHost" : process.env.AZURE_AUTHORITY_HOST ? "AZURE_AUTHORITY_HOST" : "default authority";
  let url: URL;
  try {
    url = new URL(raw.includes("://") ? raw : `https://${raw}`);
  } catch {
    throw new RangeError(`${source} is not a valid URL; expected e.g. ${AzureAuthorityHosts.AzurePublicCloud}.`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw new RangeError(
      `The authorityHost address must use the 'https' protocol (${source} is ${url.protocol}//${url.host}). Plain http is accepted only for loopback emulators.`,
    );
  }
  if (url.search || url.hash || url.username) throw new RangeError(`${source} must be a plain host URL without query, fragment or credentials.`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

export function isKnownAuthorityHost(host: string): boolean {
  return KNOWN_HOSTS.has(new URL(host).hostname);
}

function wellKnownTokenEndpoint(host: string, tenantId: string): string {
  return tenantId === "adfs" ? `${host}/adfs/oauth2/token` : `${host}/${tenantId}/oauth2/v2.0/token`;
}

interface Metadata {
  tokenEndpoint: string;
  fetchedAt: number;
}

const METADATA_TTL_MS = 24 * 60 * 60_000;
const metadataCache = new Map<string, Promise<Metadata>>();

export interface EndpointRequest {
  host: string;
  tenantId: string;
  disableInstanceDiscovery: boolean;
  http: HttpContext;
  deadline: number;
  abortSignal?: AbortSignalLike;
}

/** The token endpoint for a tenant; discovery results are cached per host and tenant for 24 h. */
export async function getTokenEndpoint(request: EndpointRequest): Promise<string> {
  const { host, tenantId } = request;
  if (request.disableInstanceDiscovery || tenantId === "adfs" || isKnownAuthorityHost(host)) return wellKnownTokenEndpoint(host, tenantId);
  const key = `${host}/${tenantId}`;
  const cached = metadataCache.get(key);
  if (cached !== undefined) {
    const metadata = await cached.catch(() => undefined);
    if (metadata !== undefined && Date.now() - metadata.fetchedAt < METADATA_TTL_MS) return metadata.tokenEndpoint;
  }
  const pending = discover(request);
  metadataCache.set(key, pending);
  pending.catch(() => metadataCache.delete(key)); // failures are not cached
  return (await pending).tokenEndpoint;
}

async function getJson(url: string, request: EndpointRequest, what: string): Promise<Record<string, unknown>> {
  const context = {
    deadline: request.deadline,
    attemptTimeoutMs: request.http.attemptTimeoutMs,
    ...(request.abortSignal ? { abortSignal: request.abortSignal } : {}),
  };
  let response;
  try {
    ({ response } = await sendWithRetry(
      request.http.client,
      { method: "GET", url, headers: { accept: "application/json", "user-agent": request.http.userAgent } },
      request.http.retry,
      context,
    ));
  } catch (error) {
    throw transportFailure(error, url, what);
  }
  let body: unknown;
  try {
    body = JSON.parse(response.bodyText);
  } catch {
    body = undefined;
  }
  if (response.status !== 200 || typeof body !== "object" || body === null) {
    throw new AuthenticationError(
      response.status,
      typeof body === "object" && body !== null
        ? body
        : {
            error: "discovery_failed",
            errorDescription: `${what} at ${new URL(url).origin} answered ${response.status} without a JSON document. Check authorityHost, or set disableInstanceDiscovery: true for private clouds and emulators.`,
          },
    );
  }
  return body as Record<string, unknown>;
}

async function discover(request: EndpointRequest): Promise<Metadata> {
  const { host, tenantId } = request;
  const authorize = `${host}/${tenantId}/oauth2/v2.0/authorize`;
  // Loopback hosts (emulators) answer instance discovery themselves; anything else asks the public cloud.
  const discoveryHost = isLoopbackHost(new URL(host).hostname) ? host : AzureAuthorityHosts.AzurePublicCloud;
  const instance = await getJson(
    `${discoveryHost}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorize)}`,
    request,
    "Instance discovery",
  );
  if (typeof instance.tenant_discovery_endpoint !== "string") {
    throw new CredentialUnavailableError(
      `Instance discovery did not recognise ${host} as a Microsoft Entra authority. Set disableInstanceDiscovery: true if this is a trusted private authority.`,
    );
  }
  const oidc = await getJson(`${host}/${tenantId}/v2.0/.well-known/openid-configuration`, request, "OIDC discovery");
  const tokenEndpoint = typeof oidc.token_endpoint === "string" ? oidc.token_endpoint.replace(/\{tenant(id)?\}/gi, tenantId) : undefined;
  if (tokenEndpoint === undefined)
    throw new AuthenticationError(200, { error: "discovery_failed", errorDescription: `The OIDC document of ${host} has no token_endpoint.` });
  // The document is the server's: a token_endpoint that is no URL, or plain http, is its error, reported as such.
  let endpointUrl: URL | undefined;
  try {
    endpointUrl = new URL(tokenEndpoint);
  } catch {
    endpointUrl = undefined;
  }
  if (endpointUrl === undefined)
    throw new AuthenticationError(200, {
      error: "discovery_failed",
      errorDescription: `The OIDC document of ${host} names a token_endpoint that is not a URL.`,
    });
  try {
    assertSecureUrl(endpointUrl, "token_endpoint");
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    throw new AuthenticationError(0, { error: "insecure_endpoint", errorDescription: `The OIDC document of ${host}: ${error.message}` }); // azid refused it: status 0, code ERR_INSECURE_ENDPOINT
  }
  if (endpointUrl.host !== new URL(host).host) {
    throw new AuthenticationError(200, {
      error: "discovery_failed",
      errorDescription: `The OIDC document of ${host} names a token endpoint on another host (${endpointUrl.host}); refusing to send credentials there.`,
    });
  }
  return { tokenEndpoint, fetchedAt: Date.now() };
}

/** Test hook: forget discovered metadata. */
export function clearAuthorityMetadataCache(): void {
  metadataCache.clear();
}
