// @azid/identity for fetch-only runtimes: the `workerd` export condition (Cloudflare Workers) and the
// base of the `browser` build (index.browser.ts). scripts/build.mjs bundles it with fetch
// (core/http/fetchHttpClient.ts), Web Crypto (core/certificates/certificate.web.ts,
// sources/entra/clientAssertion.web.ts) and no Node built-ins, `process` or `Buffer`: every module
// with a `.web.ts` sibling is replaced by it (`.browser.ts` first in the browser build).
// Same names as index.ts; the credentials that can't work here throw at construction
// (credentials/unsupported.web.ts). Types are the Node build's (one set of declarations).
//
// The browser's InteractiveBrowserCredential (SPA popup/redirect) plugs in in index.browser.ts, not here.
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
export { AzureAuthorityHosts } from "./sources/entra/authority.js";
export { PersistenceNotConfiguredError, type TokenCachePersistenceOptions } from "./core/persistenceOptions.js";
export { RegionalAuthority, type RegionalAuthorityOptions } from "./sources/entra/regionalAuthority.js";
export { CredentialClosedError } from "./core/closable.js";
export { UnsupportedOptionError, type UnsupportedOptionCode } from "./core/unsupportedOptions.js";
export { setTokenCacheLimits, type TokenCacheLimits } from "./core/cache/tokenCache.js";
export { CertificateLoadError } from "./core/certificates/certificateLoadError.js";
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
export { WorkloadIdentityCredential, type WorkloadIdentityCredentialOptions } from "./credentials/workloadIdentityCredential.js";
export { ChainedTokenCredential } from "./credentials/chainedTokenCredential.js";
// Token-endpoint grants that need nothing but fetch (a server-side app in a worker can use them).
export { UsernamePasswordCredential, type UsernamePasswordCredentialOptions } from "./credentials/usernamePasswordCredential.js";
export { AuthorizationCodeCredential, type AuthorizationCodeCredentialOptions } from "./credentials/authorizationCodeCredential.js";
export {
  OnBehalfOfCredential,
  type OnBehalfOfCredentialAssertionOptions,
  type OnBehalfOfCredentialCertificateOptions,
  type OnBehalfOfCredentialOptions,
  type OnBehalfOfCredentialSecretOptions,
} from "./credentials/onBehalfOfCredential.js";
export { getBearerTokenProvider, type GetBearerTokenProviderOptions } from "./core/bearerTokenProvider.js";
export { type AuthenticationRecord, deserializeAuthenticationRecord, serializeAuthenticationRecord } from "./sources/entra/authenticationRecord.js";
export {
  AzureCliCredential,
  AzureDeveloperCliCredential,
  AzurePipelinesCredential,
  AzurePowerShellCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
  SharedTokenCacheCredential,
  VisualStudioCodeCredential,
} from "./credentials/unsupported.web.js";
export { DefaultAzureCredential, diagnoseDefaultAzureCredential, getDefaultAzureCredential } from "./credentials/defaultAzureCredential/unsupported.web.js";
