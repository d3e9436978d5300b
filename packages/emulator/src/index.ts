// @azid/emulator: a local Microsoft Entra ID for tests and demos. Re-exports only.
export { startEmulator } from "./server.js";
export type {
  Emulator,
  EmulatorDeviceCodes,
  EmulatorManagedIdentity,
  EmulatorOptions,
  EmulatorPipelines,
  ManagedIdentityHost,
  RecordedRequest,
  RequestCounts,
} from "./types.js";
export type { FaultInjector, FaultSpec, ManagedIdentityRoute, RouteName } from "./faults.js";
export type { FederationIssuers } from "./federation/issuers.js";
export type { WorkloadIdentityTokenOptions } from "./federation/workloadIdentity.js";
export type { SeededAccount, SharedTokenCacheOptions } from "./entra/sharedTokenCache.js";
export type { AppRegistration, EmulatorConfig, FederatedCredential, ManagedIdentityConfig, TenantConfig, UserConfig } from "./config.js";
export {
  defaultEmulatorConfig,
  AZURE_CLI_CLIENT_ID,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_FEDERATED_SUBJECT,
  DEFAULT_PASSWORD,
  DEFAULT_PIPELINES_SERVICE_CONNECTION_ID,
  DEFAULT_PIPELINES_SUBJECT,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_SYSTEM_IDENTITY_CLIENT_ID,
  DEFAULT_SYSTEM_IDENTITY_OBJECT_ID,
  DEFAULT_TENANT_DOMAIN,
  DEFAULT_TENANT_ID,
  DEFAULT_USER_IDENTITY_CLIENT_ID,
  DEFAULT_USER_IDENTITY_OBJECT_ID,
  DEFAULT_USER_IDENTITY_RESOURCE_ID,
  DEFAULT_USER_OBJECT_ID,
  DEFAULT_USERNAME,
  EMULATOR_URL_PLACEHOLDER,
  PIPELINES_ISSUER_NAME,
  SECOND_USER_IDENTITY_CLIENT_ID,
  SECOND_USER_IDENTITY_OBJECT_ID,
  SECOND_USER_IDENTITY_RESOURCE_ID,
  TOKEN_EXCHANGE_AUDIENCE,
  VISUAL_STUDIO_CLIENT_ID,
} from "./config.js";
export { EmulatorConfigError, loadEmulatorConfig } from "./configValidation.js";
export { WELL_KNOWN_RESOURCES } from "./entra/resources.js";
export { CONTROL_SECRET_VARIABLE } from "./http/controlAccess.js";
/** Decodes (never verifies) a compact JWT; throws JwtFormatError when it is not one. */
export { decodeJwt, JwtFormatError, type DecodedJwt } from "./tokens/jwt.js";
