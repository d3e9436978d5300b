// The directory the emulator impersonates: tenants, app registrations and users. The object is
// live: the server reads it on every request, so tests can add apps or rotate secrets between calls.

export interface EmulatorConfig {
  tenants: TenantConfig[];
  /**
   * App ID URIs (or app ids) of APIs every tenant may request tokens for, beyond Microsoft's
   * built-in resources (`WELL_KNOWN_RESOURCES`) and the tenant's own apps. `*` stands for one DNS
   * label. A scope for anything else fails with AADSTS500011, as in Entra.
   */
  resources?: string[];
}

export interface TenantConfig {
  /** the tenant GUID */
  id: string;
  /** verified domains that may stand for the tenant in URLs, e.g. "contoso.onmicrosoft.com" */
  domains?: string[];
  apps: AppRegistration[];
  users: UserConfig[];
  /** identities the emulator's managed-identity hosts serve (the first tenant's, by default) */
  managedIdentities?: ManagedIdentityConfig[];
}

/**
 * A managed identity as its host sees it. A host serves the system-assigned identity when a
 * request names none (or, with no system-assigned identity, the only user-assigned one, as IMDS
 * and App Service do); user-assigned identities are picked by client id, object id or resource id.
 */
export interface ManagedIdentityConfig {
  kind: "system" | "user";
  clientId: string;
  /** the service principal's object id: the token's `oid` */
  objectId: string;
  /**
   * Required for user-assigned identities:
   * /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>.
   * For a system-assigned identity, the resource it belongs to (a VM, an app), if given.
   */
  resourceId?: string;
  displayName?: string;
  /** application roles granted to the identity (the `roles` claim) */
  roles?: string[];
}

export interface AppRegistration {
  clientId: string;
  displayName?: string;
  secrets?: string[];
  /** PEM certificates whose keys may sign client assertions */
  certificates?: string[];
  /**
   * Where /authorize may send the code. Compared exactly, except that a public client's
   * `http://localhost` (or `http://127.0.0.1`) also allows any port on either loopback name (RFC 8252 7.3).
   */
  redirectUris?: string[];
  /**
   * Redirect URIs of the "Single-page application" platform (Graph's `spa.redirectUris`), compared
   * exactly. A code sent to one needs PKCE and may only be redeemed by the browser (a cross-origin
   * request with an `Origin` header, AADSTS9002327 otherwise), without a client secret; its refresh
   * tokens live 24 hours from the sign-in, and redeeming one does not extend that.
   */
  spaRedirectUris?: string[];
  federatedCredentials?: FederatedCredential[];
  /**
   * App ID URIs the app exposes as an API ("Expose an API" in the portal), e.g. "api://contoso-orders".
   * The app is always a resource under its client id and `api://<client id>` too.
   */
  identifierUris?: string[];
  /** a public client (no secret) may use user flows such as ROPC */
  publicClient?: boolean;
  /** application roles granted to the app itself (the `roles` claim of app-only tokens) */
  roles?: string[];
  /**
   * Interactive sign-in shows a consent page the first time each user signs in to this app, as when
   * no admin consented for the tenant. Default false: apps count as admin-consented, and only
   * prompt=consent asks.
   */
  requireUserConsent?: boolean;
  /**
   * "1" for the Microsoft first-party family (FOCI): a refresh token issued to one family app may be
   * redeemed by any other (as the Azure CLI and Visual Studio clients do), and responses carry `foci`.
   */
  familyId?: string;
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
  /** ROPC then fails with AADSTS50076 like a user under a Conditional Access MFA policy; interactive sign-in succeeds (amr pwd + mfa) */
  mfaRequired?: boolean;
}

export const EMULATOR_URL_PLACEHOLDER = "{emulator}";

export const DEFAULT_TENANT_ID = "7e2b1c3a-4d5f-4a6b-8c9d-0e1f2a3b4c5d";
export const DEFAULT_TENANT_DOMAIN = "azid.onmicrosoft.com";
export const DEFAULT_CLIENT_ID = "3f6a2b1c-8d4e-4f5a-9b6c-7d8e9f0a1b2c";
export const DEFAULT_CLIENT_SECRET = "azid-emulator-secret~not-a-real-secret";
export const DEFAULT_PUBLIC_CLIENT_ID = "5b8c4d2e-1f3a-4b6c-8d9e-0f1a2b3c4d5e";
/** Well-known public clients of Microsoft's developer tools (first-party family "1"). */
export const AZURE_CLI_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";
export const VISUAL_STUDIO_CLIENT_ID = "872cd9fa-d31f-45e0-9eab-6e460a02d1f1";
export const DEFAULT_USERNAME = "alice@azid.onmicrosoft.com";
export const DEFAULT_PASSWORD = "azid-emulator-password";
export const DEFAULT_USER_OBJECT_ID = "9c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5";
/** The subject the default app trusts from the emulator's default federation issuer. */
export const DEFAULT_FEDERATED_SUBJECT = "system:serviceaccount:default:workload-identity-sa";
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

const SUBSCRIPTION = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/azid-emulator";
export const DEFAULT_SYSTEM_IDENTITY_CLIENT_ID = "a1b2c3d4-0e1f-4a2b-8c3d-4e5f6a7b8c9d";
export const DEFAULT_SYSTEM_IDENTITY_OBJECT_ID = "b2c3d4e5-1f2a-4b3c-9d4e-5f6a7b8c9d0e";
/** the first user-assigned identity of the default configuration */
export const DEFAULT_USER_IDENTITY_CLIENT_ID = "c3d4e5f6-2a3b-4c4d-8e5f-6a7b8c9d0e1f";
export const DEFAULT_USER_IDENTITY_OBJECT_ID = "d4e5f6a7-3b4c-4d5e-9f6a-7b8c9d0e1f2a";
export const DEFAULT_USER_IDENTITY_RESOURCE_ID = `${SUBSCRIPTION}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azid-emulator-identity`;
/** the second user-assigned identity of the default configuration */
export const SECOND_USER_IDENTITY_CLIENT_ID = "e5f6a7b8-4c5d-4e6f-8a7b-8c9d0e1f2a3b";
export const SECOND_USER_IDENTITY_OBJECT_ID = "f6a7b8c9-5d6e-4f7a-9b8c-9d0e1f2a3b4c";
export const SECOND_USER_IDENTITY_RESOURCE_ID = `${SUBSCRIPTION}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/azid-emulator-identity-2`;

/** The Azure Pipelines service connection the emulator's OIDC endpoint knows. */
export const DEFAULT_PIPELINES_SERVICE_CONNECTION_ID = "0d9f8e7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
/** `sc://<organization>/<project>/<service connection>`, as Azure DevOps names the subject. */
export const DEFAULT_PIPELINES_SUBJECT = `sc://azid/emulator/${DEFAULT_PIPELINES_SERVICE_CONNECTION_ID}`;
/** The federation issuer name (under `{emulator}/federation/`) that signs Pipelines OIDC tokens. */
export const PIPELINES_ISSUER_NAME = "pipelines";

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
              {
                issuer: `${EMULATOR_URL_PLACEHOLDER}/federation/${PIPELINES_ISSUER_NAME}`,
                subject: DEFAULT_PIPELINES_SUBJECT,
                audiences: [TOKEN_EXCHANGE_AUDIENCE],
              },
            ],
          },
          {
            clientId: DEFAULT_PUBLIC_CLIENT_ID,
            displayName: "azid demo public client",
            publicClient: true,
            redirectUris: ["http://localhost"],
          },
          // The developer tools' own public clients, both in the Microsoft family (their refresh
          // tokens are interchangeable): what the Azure CLI and Visual Studio sign in with, and what
          // DeviceCode/InteractiveBrowser/SharedTokenCache credentials use when given no clientId.
          { clientId: AZURE_CLI_CLIENT_ID, displayName: "Microsoft Azure CLI", publicClient: true, redirectUris: ["http://localhost"], familyId: "1" },
          { clientId: VISUAL_STUDIO_CLIENT_ID, displayName: "Visual Studio", publicClient: true, redirectUris: ["http://localhost"], familyId: "1" },
        ],
        users: [{ username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD, objectId: DEFAULT_USER_OBJECT_ID, displayName: "Alice Emulator" }],
        managedIdentities: [
          {
            kind: "system",
            clientId: DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
            objectId: DEFAULT_SYSTEM_IDENTITY_OBJECT_ID,
            resourceId: `${SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines/azid-emulator-vm`,
            displayName: "azid-emulator-vm",
            roles: ["Data.Read.All"],
          },
          {
            kind: "user",
            clientId: DEFAULT_USER_IDENTITY_CLIENT_ID,
            objectId: DEFAULT_USER_IDENTITY_OBJECT_ID,
            resourceId: DEFAULT_USER_IDENTITY_RESOURCE_ID,
            displayName: "azid-emulator-identity",
            roles: ["Data.Read.All"],
          },
          {
            kind: "user",
            clientId: SECOND_USER_IDENTITY_CLIENT_ID,
            objectId: SECOND_USER_IDENTITY_OBJECT_ID,
            resourceId: SECOND_USER_IDENTITY_RESOURCE_ID,
            displayName: "azid-emulator-identity-2",
          },
        ],
      },
    ],
  };
}
