// Options @azure/identity accepts that azid cannot honour fail loudly here, at construction (or, for
// per-call options, at getToken), with what to use instead: an option that silently does nothing
// would let an application believe it has a broker sign-in or a bound PoP token when it does not.

/** The `code` of every UnsupportedOptionError. */
export type UnsupportedOptionCode = "ERR_UNSUPPORTED_OPTION";

/** An option azid does not support; `option` names it, the message says what to use instead. */
export class UnsupportedOptionError extends TypeError {
  /** Always `ERR_UNSUPPORTED_OPTION`, to branch on without parsing the message. */
  readonly code: UnsupportedOptionCode = "ERR_UNSUPPORTED_OPTION";
  /** The option, as a path: `brokerOptions.enabled`, `proofOfPossessionOptions`, `additionalPolicies`... */
  readonly option: string;
  constructor(option: string, message: string) {
    super(message);
    this.name = "UnsupportedOptionError";
    this.option = option;
  }
}

const PLATFORM_NAMES: Record<string, string> = { win32: "Windows", darwin: "macOS", linux: "Linux" };

/**
 * `brokerOptions: { enabled: true }` asks for the WAM/Company Portal broker (@azure/identity-broker, a
 * native module). azid has no broker: say so, name the platform, and name the credentials that work.
 * `enabled: false` asks for nothing and is accepted.
 */
export function rejectBrokerOptions(credentialName: string, brokerOptions: unknown): void {
  if (brokerOptions === undefined || brokerOptions === null) return;
  if (typeof brokerOptions !== "object")
    throw new TypeError(`${credentialName}: brokerOptions must be an object like { enabled: false } (received ${typeof brokerOptions}).`);
  if ((brokerOptions as { enabled?: unknown }).enabled !== true) return;
  const platform = PLATFORM_NAMES[process.platform] ?? process.platform;
  throw new UnsupportedOptionError(
    "brokerOptions.enabled",
    `${credentialName}: brokerOptions.enabled is not supported: azid has no authentication broker (WAM / Company Portal) on ${platform}. ` +
      "Remove brokerOptions to sign in with the system browser (InteractiveBrowserCredential), or use DeviceCodeCredential on a machine without a browser; " +
      "for local development AzureCliCredential reuses `az login`.",
  );
}

/** Proof-of-Possession (SHR) tokens need MSAL's signed-request support, which azid does not have yet. */
export function rejectProofOfPossession(credentialName: string): UnsupportedOptionError {
  return new UnsupportedOptionError(
    "proofOfPossessionOptions",
    `${credentialName}: getToken's proofOfPossessionOptions is not supported: azid issues Bearer tokens only and cannot bind a token to a request (PoP). ` +
      "Call getToken without proofOfPossessionOptions and send the token as a Bearer token, or use @azure/identity where a PoP token is required.",
  );
}

/**
 * additionalPolicies change @azure/core-rest-pipeline requests; azid sends its few token requests
 * without a pipeline, so a policy would never run. An empty array asks for nothing.
 */
export function rejectPipelineOptions(
  credentialName: string,
  options:
    | {
        additionalPolicies?: unknown;
        agent?: unknown;
        allowInsecureConnection?: unknown;
        redirectOptions?: { handleRedirects?: unknown; maxRetries?: unknown };
      }
    | undefined,
): void {
  if (options === undefined) return;
  if (options.agent !== undefined) {
    throw new UnsupportedOptionError(
      "agent",
      `${credentialName}: agent is not supported: azid manages its own keep-alive agents. For a proxy use proxyOptions, for extra CAs tlsOptions.ca; ` +
        "for anything else pass httpClient (an object with sendRequest(request)) that uses your agent.",
    );
  }
  if (options.allowInsecureConnection === true) {
    throw new UnsupportedOptionError(
      "allowInsecureConnection",
      `${credentialName}: allowInsecureConnection is not supported: azid sends plain http only to loopback addresses (emulators, local managed identity endpoints), ` +
        "and does so without this option; every other endpoint must use https. Remove the option.",
    );
  }
  const redirects = options.redirectOptions;
  if (redirects !== undefined && (redirects.handleRedirects === true || redirects.maxRetries !== undefined)) {
    throw new UnsupportedOptionError(
      "redirectOptions",
      `${credentialName}: redirectOptions is not supported: azid never follows a redirect from a token endpoint (a redirected token request fails). ` +
        "Remove the option, or set authorityHost to the endpoint the redirect points to.",
    );
  }
  const policies = options.additionalPolicies;
  if (policies === undefined || (Array.isArray(policies) && policies.length === 0)) return;
  throw new UnsupportedOptionError(
    "additionalPolicies",
    `${credentialName}: additionalPolicies is not supported: azid has no @azure/core-rest-pipeline pipeline, so a policy would never run. ` +
      "To change or observe azid's token requests pass httpClient (an object with sendRequest(request)); for proxies use proxyOptions, for CAs tlsOptions.ca.",
  );
}
