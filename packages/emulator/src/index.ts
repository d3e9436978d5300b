// @azid/emulator: a local Microsoft Entra ID for tests and demos. Re-exports only.
export { startEmulator } from "./server.js";
export type { Emulator, EmulatorOptions, RecordedRequest } from "./types.js";
export type { FaultInjector, FaultSpec, RouteName } from "./faults.js";
export type { FederationIssuers } from "./federation/issuers.js";
export type { AppRegistration, EmulatorConfig, FederatedCredential, TenantConfig, UserConfig } from "./config.js";
export {
  defaultEmulatorConfig,
  DEFAULT_CLIENT_ID,
  DEFAULT_CLIENT_SECRET,
  DEFAULT_FEDERATED_SUBJECT,
  DEFAULT_PASSWORD,
  DEFAULT_PUBLIC_CLIENT_ID,
  DEFAULT_TENANT_DOMAIN,
  DEFAULT_TENANT_ID,
  DEFAULT_USER_OBJECT_ID,
  DEFAULT_USERNAME,
  EMULATOR_URL_PLACEHOLDER,
  TOKEN_EXCHANGE_AUDIENCE,
} from "./config.js";
export { EmulatorConfigError, loadEmulatorConfig } from "./configValidation.js";
