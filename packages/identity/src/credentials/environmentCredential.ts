// Service principal or user configured through environment variables, in the order of
// @azure/identity: client secret, then certificate, then username/password. Unconfigured, it is
// "unavailable" and says exactly which variables are set and which are missing.
import { CredentialUnavailableError, troubleshoot } from "../core/errors.js";
import { credentialLogger } from "../core/logger.js";
import { resolveAdditionallyAllowedTenants } from "../core/tenants.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import type { AuthorityValidationOptions, MultiTenantTokenCredentialOptions } from "../core/options.js";
import { AllSupportedEnvironmentVariables } from "../sources/environmentVariables.js";
import { ClientCertificateCredential } from "./clientCertificateCredential.js";
import { ClientSecretCredential } from "./clientSecretCredential.js";
import { UsernamePasswordCredential } from "./usernamePasswordCredential.js";
import { closedError, closeParts } from "../core/closable.js";

/** Options of {@link EnvironmentCredential}. */
export interface EnvironmentCredentialOptions extends MultiTenantTokenCredentialOptions, AuthorityValidationOptions {}

const TROUBLESHOOT = troubleshoot("environment-unavailable");

function read(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/**
 * A service principal (or, deprecated, a user) described by environment variables, as in
 * `@azure/identity`: `AZURE_TENANT_ID` and `AZURE_CLIENT_ID`, plus one of
 * - `AZURE_CLIENT_SECRET` (a {@link ClientSecretCredential}),
 * - `AZURE_CLIENT_CERTIFICATE_PATH`, with `AZURE_CLIENT_CERTIFICATE_PASSWORD` and
 *   `AZURE_CLIENT_SEND_CERTIFICATE_CHAIN` if needed (a {@link ClientCertificateCredential}),
 * - `AZURE_USERNAME` and `AZURE_PASSWORD` (a {@link UsernamePasswordCredential}).
 *
 * The variables are read once, in the constructor. When they are incomplete, `getToken` rejects with
 * {@link CredentialUnavailableError} naming the missing ones (docs/troubleshooting.md#environmentcredential).
 *
 * @example
 * ```ts
 * // AZURE_TENANT_ID=... AZURE_CLIENT_ID=... AZURE_CLIENT_SECRET=... node app.js
 * const credential = new EnvironmentCredential();
 * ```
 */
export class EnvironmentCredential implements TokenCredential {
  readonly #credential: TokenCredential | undefined;
  readonly #unavailableReason: string | undefined;
  readonly #constructionError: Error | undefined;
  #closed = false;

  constructor(options?: EnvironmentCredentialOptions) {
    const logger = credentialLogger("EnvironmentCredential");
    const assigned = AllSupportedEnvironmentVariables.filter((name) => read(name) !== undefined);
    logger.info(`Found the following environment variables: ${assigned.join(", ") || "(none)"}`);
    const tenantId = read("AZURE_TENANT_ID");
    const clientId = read("AZURE_CLIENT_ID");
    try {
      if (tenantId && clientId && read("AZURE_CLIENT_SECRET")) {
        logger.info("Invoking ClientSecretCredential with tenant ID, client ID and client secret [REDACTED].");
        this.#credential = new ClientSecretCredential(tenantId, clientId, read("AZURE_CLIENT_SECRET")!, withEnvTenants(options));
      } else if (tenantId && clientId && read("AZURE_CLIENT_CERTIFICATE_PATH")) {
        const sendChain = /^(true|1)$/i.test(read("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN") ?? "");
        const password = read("AZURE_CLIENT_CERTIFICATE_PASSWORD");
        logger.info(`Invoking ClientCertificateCredential with a certificate file${password ? " and password [REDACTED]" : ""}.`);
        this.#credential = new ClientCertificateCredential(
          tenantId,
          clientId,
          { certificatePath: read("AZURE_CLIENT_CERTIFICATE_PATH")!, ...(password ? { certificatePassword: password } : {}) },
          { ...withEnvTenants(options), sendCertificateChain: sendChain },
        );
      } else if (tenantId && clientId && read("AZURE_USERNAME") && read("AZURE_PASSWORD")) {
        logger.warning("Environment is configured for UsernamePasswordCredential, which cannot do multi-factor authentication and is deprecated.");
        this.#credential = new UsernamePasswordCredential(tenantId, clientId, read("AZURE_USERNAME")!, read("AZURE_PASSWORD")!, withEnvTenants(options));
      } else {
        this.#unavailableReason = describeMissing(tenantId, clientId);
      }
    } catch (error) {
      // Configured but broken (bad tenant id, unreadable certificate): surface it at getToken so a
      // chain stops here instead of silently trying another identity.
      this.#constructionError = error as Error;
    }
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    // Closed comes first, also when nothing was configured: the caller's mistake is using a closed credential.
    if (this.#closed) return Promise.reject(closedError("EnvironmentCredential"));
    if (this.#constructionError !== undefined) return Promise.reject(this.#constructionError);
    if (this.#credential === undefined) {
      return Promise.reject(new CredentialUnavailableError(`EnvironmentCredential is unavailable. ${this.#unavailableReason} ${TROUBLESHOOT}`));
    }
    return this.#credential.getToken(scopes, options);
  }

  /** Stops this credential and releases what it holds (azid extension); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    this.#closed = true;
    return closeParts(this.#credential);
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function withEnvTenants<T extends MultiTenantTokenCredentialOptions>(options: T | undefined): T {
  return { ...(options as T), additionallyAllowedTenants: resolveAdditionallyAllowedTenants(options?.additionallyAllowedTenants, true) };
}

function describeMissing(tenantId: string | undefined, clientId: string | undefined): string {
  const missing: string[] = [];
  if (!tenantId) missing.push("AZURE_TENANT_ID");
  if (!clientId) missing.push("AZURE_CLIENT_ID");
  const hasUser = read("AZURE_USERNAME") !== undefined;
  const secretOptions = "AZURE_CLIENT_SECRET, or AZURE_CLIENT_CERTIFICATE_PATH, or AZURE_USERNAME and AZURE_PASSWORD";
  if (!read("AZURE_CLIENT_SECRET") && !read("AZURE_CLIENT_CERTIFICATE_PATH") && !(hasUser && read("AZURE_PASSWORD"))) {
    missing.push(hasUser ? "AZURE_PASSWORD" : secretOptions);
  }
  return `Missing: ${missing.join("; ")}.`;
}
