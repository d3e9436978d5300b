// @azid/identity public API. Names and signatures follow @azure/identity.
export type { AccessToken, AbortSignalLike, GetTokenOptions, TokenCredential } from "./core/types.js";
export type {
  AuthorityValidationOptions,
  CredentialPersistenceOptions,
  LoggingOptions,
  MultiTenantTokenCredentialOptions,
  ProxySettings,
  RetryOptions,
  TokenCredentialOptions,
} from "./core/options.js";
export {
  AggregateAuthenticationError,
  AggregateAuthenticationErrorName,
  AuthenticationError,
  AuthenticationErrorName,
  AuthenticationRequiredError,
  AuthenticationRequiredErrorName,
  CredentialUnavailableError,
  CredentialUnavailableErrorName,
  type AuthenticationErrorCode,
  type AuthenticationRequiredErrorOptions,
  type ErrorResponse,
} from "./core/errors.js";
export { logger, setLogLevel, getLogLevel, AzureLogger, type AzureLogLevel } from "./core/logger.js";
export {
  useIdentityPlugin,
  type AzidPluginContext,
  type DistributedFetchInfo,
  type DistributedTokenCache,
  type IdentityPlugin,
  type MicrosoftSharedCache,
  type PersistenceProvider,
  type PersistentStore,
} from "./core/plugins.js";
export { PersistenceNotConfiguredError, type TokenCachePersistenceOptions } from "./core/persistenceOptions.js";
import { providePersistenceCode } from "./providers/lazyPersistence.js";
import { loadPersistenceCode } from "./persistenceCode.js";
// tokenCachePersistenceOptions' code (the MSAL cache format, the plugin's store) comes with lazy.ts, on first use.
providePersistenceCode(loadPersistenceCode);
export { AzureAuthorityHosts } from "./sources/entra/authority.js";
export { RegionalAuthority, type RegionalAuthorityOptions } from "./sources/entra/regionalAuthority.js";
export { CredentialClosedError } from "./core/closable.js";
export {
  UnsupportedOptionError,
  type BrokerAuthOptions,
  type BrokerDisabledOptions,
  type BrokerEnabledOptions,
  type BrokerOptions,
  type UnsupportedOptionCode,
} from "./core/unsupportedOptions.js";
export { CertificateLoadError } from "./core/certificates/certificate.js";
export type { HttpClient, HttpRequest, HttpResponse } from "./core/http/httpClient.js";
export { ClientSecretCredential, type ClientSecretCredentialOptions } from "./credentials/clientSecretCredential.js";
export {
  ClientCertificateCredential,
  type ClientCertificateCredentialOptions,
  type ClientCertificateCredentialPEMConfiguration,
  type ClientCertificatePEMCertificate,
  type ClientCertificatePEMCertificatePath,
} from "./credentials/clientCertificateCredential.js";
export { ClientAssertionCredential, type ClientAssertionCredentialOptions } from "./credentials/clientAssertionCredential.js";
export { EnvironmentCredential, type EnvironmentCredentialOptions } from "./credentials/environmentCredential.js";
export { UsernamePasswordCredential, type UsernamePasswordCredentialOptions } from "./credentials/usernamePasswordCredential.js";
export { WorkloadIdentityCredential, type WorkloadIdentityCredentialOptions } from "./credentials/workloadIdentityCredential.js";
export { AzurePipelinesCredential, type AzurePipelinesCredentialOptions } from "./credentials/azurePipelinesCredential.js";
export { ChainedTokenCredential } from "./credentials/chainedTokenCredential.js";
export { getBearerTokenProvider, type GetBearerTokenProviderOptions } from "./core/bearerTokenProvider.js";
export { setTokenCacheLimits, type TokenCacheLimits } from "./core/cache/tokenCache.js";
export {
  ManagedIdentityCredential,
  type ManagedIdentityCredentialClientIdOptions,
  type ManagedIdentityCredentialObjectIdOptions,
  type ManagedIdentityCredentialResourceIdOptions,
} from "./credentials/managedIdentityCredential.js";
export { AzureCliCredential, type AzureCliCredentialOptions } from "./credentials/azureCliCredential.js";
export { SharedTokenCacheCredential, type SharedTokenCacheCredentialOptions } from "./credentials/sharedTokenCacheCredential.js";
export { VisualStudioCodeCredential, type VisualStudioCodeCredentialOptions } from "./credentials/visualStudioCodeCredential.js";
export { AzureDeveloperCliCredential, type AzureDeveloperCliCredentialOptions } from "./credentials/azureDeveloperCliCredential.js";
export { AzurePowerShellCredential, type AzurePowerShellCredentialOptions } from "./credentials/azurePowerShellCredential.js";
export {
  DeviceCodeCredential,
  type DeviceCodeCredentialOptions,
  type DeviceCodeInfo,
  type DeviceCodePromptCallback,
} from "./credentials/deviceCodeCredential.js";
export {
  InteractiveBrowserCredential,
  type BrowserCustomizationOptions,
  type BrowserLoginStyle,
  type BrowserOpener,
  type InteractiveBrowserCredentialInBrowserOptions,
  type InteractiveBrowserCredentialNodeOptions,
} from "./credentials/interactiveBrowserCredential.js";
export type { BrowserPageTexts } from "./sources/browserSignIn/pages.js";
export { AuthorizationCodeCredential, type AuthorizationCodeCredentialOptions } from "./credentials/authorizationCodeCredential.js";
export {
  OnBehalfOfCredential,
  type OnBehalfOfCredentialAssertionOptions,
  type OnBehalfOfCredentialCertificateOptions,
  type OnBehalfOfCredentialOptions,
  type OnBehalfOfCredentialSecretOptions,
} from "./credentials/onBehalfOfCredential.js";
export { type AuthenticationRecord, deserializeAuthenticationRecord, serializeAuthenticationRecord } from "./sources/entra/authenticationRecord.js";
export type { InteractiveCredentialOptions } from "./providers/userTokens.js";
export {
  DefaultAzureCredential,
  getDefaultAzureCredential,
  type DefaultAzureCredentialClientIdOptions,
  type DefaultAzureCredentialEnvVars,
  type DefaultAzureCredentialOptions,
  type DefaultAzureCredentialResourceIdOptions,
} from "./credentials/defaultAzureCredential/defaultAzureCredential.js";
// azid extension for `azid doctor` (not in @azure/identity): reports every credential of the chain.
export { diagnoseDefaultAzureCredential } from "./credentials/defaultAzureCredential/diagnoseDefaultAzureCredential.js";
export type { CredentialDiagnosis, DefaultAzureCredentialDiagnosis } from "./sources/defaultChain/diagnose.js";
export type { DiagnoseOptions } from "./credentials/defaultAzureCredential/diagnoseDefaultAzureCredential.js";
