// The public shape of a running emulator and its options.
import type { EmulatorConfig } from "./config.js";
import type { SeededAccount, SharedTokenCacheOptions } from "./entra/sharedTokenCache.js";
import type { FaultInjector, RouteName } from "./faults.js";
import type { FederationIssuers } from "./federation/issuers.js";
import type { WorkloadIdentityTokenOptions } from "./federation/workloadIdentity.js";

/** The managed-identity hosts the emulator imitates (protocols.md 3). */
export type ManagedIdentityHost = "imds" | "appService" | "serviceFabric" | "azureArc" | "azureMl" | "cloudShell";

export interface EmulatorOptions {
  /** default: defaultEmulatorConfig() */
  config?: EmulatorConfig;
  /** default 0: an ephemeral port */
  port?: number;
  /** default "127.0.0.1"; non-loopback hosts are refused unless allowNonLoopback */
  host?: string;
  /** listen on a non-loopback host: anyone who can reach it gets tokens for the configured apps */
  allowNonLoopback?: boolean;
  /** serve plain HTTP instead of HTTPS (loopback only) */
  http?: boolean;
  /** where the CA (ca.pem, ca-key.pem) and token-signing key (signing-key.pem) live; default ~/.azid/emulator */
  dataDir?: string;
  /** default 3600 */
  accessTokenLifetimeSeconds?: number;
  /**
   * Lifetime of refresh tokens issued to single-page apps (codes sent to an app's `spaRedirectUris`);
   * default 86400, Entra's fixed 24 hours. Redeeming one never extends it.
   */
  spaRefreshTokenLifetimeSeconds?: number;
  /** when set, token responses include refresh_in */
  refreshInSeconds?: number;
  /**
   * Reject a certificate assertion whose jti was already used (default false, like Entra: msal-node (and so
   * @azure/identity) reuses one assertion for up to 10 minutes). Turn on to prove a client never reuses one.
   */
  rejectReplayedAssertions?: boolean;
  /** device codes expire after this many seconds (expired_token afterwards); default 900, like Entra */
  deviceCodeLifetimeSeconds?: number;
  /** the `interval` the device code response asks clients to poll at; default 5 (tests use 1) */
  deviceCodeIntervalSeconds?: number;
  /**
   * Answer slow_down to a poll that comes sooner than `interval` after the previous one (default
   * true). msal-node treats slow_down as fatal (protocols.md 1.5.5): set false for @azure/identity.
   */
  deviceCodeSlowDown?: boolean;
  /** how many requests `emu.requests` keeps, newest last (a ring: older ones are dropped); default 1000 */
  requestLogLimit?: number;
  /**
   * Keep credentials (client secrets, assertions, passwords, refresh tokens, codes, Authorization
   * headers) in `emu.requests`, for in-process tests that assert exactly what a client sent.
   * Default false: they are recorded as "[redacted]". GET /_emulator/requests always redacts.
   */
  recordSecrets?: boolean;
  /**
   * Also answer requests addressed to Entra's public-cloud names: login.microsoftonline.com,
   * login.microsoft.com and the regional <region>.login.microsoft.com / <region>.r.login.microsoftonline.com
   * (the server certificate names them; the Host check accepts them). The client maps those names onto
   * the emulator's loopback address itself; nothing resolves them. Default false. Each request records
   * the region its Host named (`RecordedRequest.region`) either way.
   */
  entraHostNames?: boolean;
  /** the control API's secret (default: random per run); at least 16 characters */
  controlSecret?: string;
  /** lifetime of managed-identity tokens; default 86400 (24 h, like real ones, so refresh-at-half-life paths run) */
  managedIdentityTokenLifetimeSeconds?: number;
  managedIdentity?: {
    /** where Azure Arc challenge key files are written; default a temporary directory removed by close() */
    arcTokenDirectory?: string;
    /** the tenant whose managedIdentities the hosts serve; default the first tenant */
    tenantId?: string;
  };
}

export interface EmulatorManagedIdentity {
  /** Base URL (http://127.0.0.1:PORT, no trailing slash) of the plain-HTTP loopback listener that serves IMDS, App Service, Arc, ML and Cloud Shell, each under its own path. */
  readonly httpUrl: string;
  /** The Service Fabric token endpoint (IDENTITY_ENDPOINT): HTTPS with its own self-signed certificate, not signed by the emulator CA. */
  readonly serviceFabricUrl: string;
  /** SHA-1 hex (upper case, no separators) of that certificate: IDENTITY_SERVER_THUMBPRINT */
  readonly serviceFabricThumbprint: string;
  /** PEM of that certificate, for clients that would rather trust it than pin it */
  readonly serviceFabricCertPem: string;
  readonly arcTokenDirectory: string;
  /**
   * Env vars that make a client see the given host: imds -> AZURE_POD_IDENTITY_AUTHORITY_HOST;
   * appService -> IDENTITY_ENDPOINT, IDENTITY_HEADER; serviceFabric -> IDENTITY_ENDPOINT,
   * IDENTITY_HEADER, IDENTITY_SERVER_THUMBPRINT; azureArc -> IDENTITY_ENDPOINT, IMDS_ENDPOINT;
   * azureMl -> MSI_ENDPOINT, MSI_SECRET, DEFAULT_IDENTITY_CLIENT_ID (when there is a system-assigned identity);
   * cloudShell -> MSI_ENDPOINT.
   */
  env(host: ManagedIdentityHost): Record<string, string>;
}

export interface EmulatorPipelines {
  /** SYSTEM_OIDCREQUESTURI: https://<emulator>/azid/<project>/_apis/distributedtask/hubs/build/plans/<plan>/jobs/<job>/oidctoken */
  readonly oidcRequestUri: string;
  /** $(System.AccessToken), the bearer the OIDC endpoint requires */
  readonly systemAccessToken: string;
  /** the one service connection the endpoint knows (DEFAULT_PIPELINES_SERVICE_CONNECTION_ID) */
  readonly serviceConnectionId: string;
  /** the `iss` of the OIDC tokens: `${url}/federation/pipelines` */
  readonly issuer: string;
  /** the `sub` of the OIDC tokens: sc://azid/emulator/<serviceConnectionId> */
  readonly subject: string;
  /**
   * SYSTEM_OIDCREQUESTURI, plus the names Azure Pipelines tasks and SDK samples use for the other
   * inputs: SYSTEM_ACCESSTOKEN, AZURESUBSCRIPTION_SERVICE_CONNECTION_ID, AZURESUBSCRIPTION_CLIENT_ID,
   * AZURESUBSCRIPTION_TENANT_ID.
   */
  env(): Record<string, string>;
}

/** Test hooks for device code sign-ins: what a person would do on /devicelogin. */
export interface EmulatorDeviceCodes {
  /** Signs `username` (default: the first configured user of the code's tenant) in for the code; throws RangeError for an unknown, expired or finished code. */
  approve(userCode: string, username?: string): void;
  /** Declines the code: the client's next poll gets authorization_declined. */
  deny(userCode: string): void;
  /** Codes waiting for a person, oldest first. */
  pending(): Array<{ userCode: string; clientId: string; scopes: string[] }>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** form fields as sent, when the body was form-encoded */
  form?: Record<string, string>;
  body: string;
  /** epoch milliseconds when the request arrived */
  time: number;
  route: RouteName;
  /** the region the request's Host named (`westus2` for westus2.login.microsoft.com or westus2.localhost); absent for a global host */
  region?: string;
  /** the status answered; 0 while pending or when a fault made the request hang */
  status: number;
}

/** Requests served since the emulator started (control requests excepted), whatever the request log still holds. */
export interface RequestCounts {
  total: number;
  /** per route name ("token", "imds", ...); a route never requested is absent */
  byRoute: Record<string, number>;
}

export interface Emulator {
  /** authority host, e.g. "https://127.0.0.1:PORT" (no trailing slash) */
  readonly url: string;
  /** PEM file of the CA, for NODE_EXTRA_CA_CERTS */
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** live: tests may add apps or secrets between requests */
  readonly config: EmulatorConfig;
  /**
   * the newest requests (`requestLogLimit`, default 1000) in arrival order, control requests to
   * /_emulator/ excepted; credentials redacted unless `recordSecrets`, long values cut at 16 KiB
   */
  readonly requests: RecordedRequest[];
  /** how many requests arrived since start, in total and per route (GET /_emulator/request-counts); not bounded by the log's ring */
  requestCounts(): RequestCounts;
  /**
   * The secret the /_emulator/ control API requires: `Authorization: Bearer <controlSecret>`, with
   * JSON bodies only. `azid emulator` prints it as AZID_EMULATOR_CONTROL_SECRET.
   */
  readonly controlSecret: string;
  readonly faults: FaultInjector;
  readonly federation: FederationIssuers;
  /** a server certificate signed by the emulator's CA, e.g. for Azurite --cert/--key */
  issueServerCertificate(hosts: string[]): { certPem: string; keyPem: string };
  /** A self-signed RSA client certificate (what users upload to an app registration for certificate credentials). */
  createClientCertificate(commonName: string): Promise<{ certPem: string; keyPem: string }>;
  /** AZURE_AUTHORITY_HOST, NODE_EXTRA_CA_CERTS, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, NO_PROXY */
  env(): Record<string, string>;
  readonly managedIdentity: EmulatorManagedIdentity;
  readonly pipelines: EmulatorPipelines;
  /**
   * Writes a Kubernetes-style service account token (the emulator's default federation issuer,
   * audience api://AzureADTokenExchange) to a file and returns AZURE_FEDERATED_TOKEN_FILE,
   * AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_AUTHORITY_HOST. Calling again rotates the content.
   */
  writeWorkloadIdentityToken(options?: WorkloadIdentityTokenOptions): Promise<Record<string, string>>;
  /**
   * Writes an MSAL token cache file holding a signed-in user (Account, IdToken, family refresh
   * token), as Visual Studio leaves ~/.IdentityService/msal.cache: for SharedTokenCacheCredential.
   */
  writeSharedTokenCache(options: SharedTokenCacheOptions): Promise<SeededAccount>;
  /** device code sign-ins started with POST /{tenant}/oauth2/v2.0/devicecode */
  readonly deviceCode: EmulatorDeviceCodes;
  /**
   * Revokes the refresh tokens issued so far to `username`, or to every user (like "revoke sessions"
   * or a password reset): redeeming one then fails with invalid_grant AADSTS50173, suberror bad_token.
   */
  revokeRefreshTokens(username?: string): void;
  /** decodes a token this emulator issued; throws unless its signature verifies */
  decodeToken(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> };
  /** stops every listener, destroys every open socket (hung ones included) and removes the emulator's temporary files */
  close(): Promise<void>;
}
