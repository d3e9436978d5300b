// The directory the emulator impersonates: tenants, app registrations and users. The object is
// live: the server reads it on every request, so tests can add apps or rotate secrets between calls.

export interface EmulatorConfig {
  tenants: TenantConfig[];
}

export interface TenantConfig {
  /** the tenant GUID */
  id: string;
  /** verified domains that may stand for the tenant in URLs, e.g. "contoso.onmicrosoft.com" */
  domains?: string[];
  apps: AppRegistration[];
  users: UserConfig[];
}

export interface AppRegistration {
  clientId: string;
  displayName?: string;
  secrets?: string[];
  /** PEM certificates whose keys may sign client assertions */
  certificates?: string[];
  redirectUris?: string[];
  federatedCredentials?: FederatedCredential[];
  /** a public client (no secret) may use user flows such as ROPC */
  publicClient?: boolean;
  /** application roles granted to the app itself (the `roles` claim of app-only tokens) */
  roles?: string[];
}

/**
 * A trust relationship for federated assertions (workload identity, pipelines). `issuer` may start
 * with the placeholder EMULATOR_URL_PLACEHOLDER ("{emulator}") to mean this emulator's own URL,
 * whose port is not known when the configuration is written.
 */
export interface FederatedCredential {
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface UserConfig {
  username: string;
  password: string;
  objectId?: string;
  displayName?: string;
  /** ROPC then fails with AADSTS50076 like a user under a Conditional Access MFA policy */
  mfaRequired?: boolean;
}

export const EMULATOR_URL_PLACEHOLDER = "{emulator}";

export const DEFAULT_TENANT_ID = "7e2b1c3a-4d5f-4a6b-8c9d-0e1f2a3b4c5d";
export const DEFAULT_TENANT_DOMAIN = "azid.onmicrosoft.com";
export const DEFAULT_CLIENT_ID = "3f6a2b1c-8d4e-4f5a-9b6c-7d8e9f0a1b2c";
export const DEFAULT_CLIENT_SECRET = "azid-emulator-secret~not-a-real-secret";
export const DEFAULT_PUBLIC_CLIENT_ID = "5b8c4d2e-1f3a-4b6c-8d9e-0f1a2b3c4d5e";
export const DEFAULT_USERNAME = "alice@azid.onmicrosoft.com";
export const DEFAULT_PASSWORD = "azid-emulator-password";
export const DEFAULT_USER_OBJECT_ID = "9c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5";
/** The subject the default app trusts from the emulator's default federation issuer. */
export const DEFAULT_FEDERATED_SUBJECT = "system:serviceaccount:default:workload-identity-sa";
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** A fresh copy each call, so one test's mutations never leak into another's. */
export function defaultEmulatorConfig(): EmulatorConfig {
  return {
    tenants: [
      {
        id: DEFAULT_TENANT_ID,
        domains: [DEFAULT_TENANT_DOMAIN],
        apps: [
          {
            clientId: DEFAULT_CLIENT_ID,
            displayName: "azid demo confidential app",
            secrets: [DEFAULT_CLIENT_SECRET],
            certificates: [],
            roles: ["Data.Read.All"],
            federatedCredentials: [
              { issuer: `${EMULATOR_URL_PLACEHOLDER}/federation/default`, subject: DEFAULT_FEDERATED_SUBJECT, audiences: [TOKEN_EXCHANGE_AUDIENCE] },
            ],
          },
          {
            clientId: DEFAULT_PUBLIC_CLIENT_ID,
            displayName: "azid demo public client",
            publicClient: true,
            redirectUris: ["http://localhost"],
          },
        ],
        users: [{ username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, objectId: DEFAULT_USER_OBJECT_ID, displayName: "Alice Emulator" }],
      },
    ],
  };
}
