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

/** @azure/identity's `brokerOptions` with the broker off: accepted. */
export interface BrokerDisabledOptions {
  /** false: no broker; the credential signs in as it would without `brokerOptions`. */
  enabled: false;
  /** Only meaningful with a broker; must be left out here. */
  legacyEnableMsaPassthrough?: undefined;
  /** Only meaningful with a broker; undefined here. */
  parentWindowHandle: undefined;
}

/** @azure/identity's `brokerOptions` asking for the WAM broker: azid throws UnsupportedOptionError (it has no broker). */
export interface BrokerEnabledOptions {
  /** true: sign in through the WAM broker, which azid does not have (UnsupportedOptionError at construction). */
  enabled: true;
  /** @azure/identity: lets personal Microsoft accounts through the broker. Not used by azid. */
  legacyEnableMsaPassthrough?: boolean;
  /** @azure/identity: the native handle of the window the broker's prompt is parented to. Not used by azid. */
  parentWindowHandle: Uint8Array;
  /** @azure/identity: sign in silently with the operating system's default account. Not used by azid. */
  useDefaultBrokerAccount?: boolean;
}

/** @azure/identity's type, so code naming it compiles unchanged; only `{ enabled: false }` works. */
export type BrokerOptions = BrokerEnabledOptions | BrokerDisabledOptions;

/** @azure/identity's type, so code naming it compiles unchanged; see BrokerOptions. */
export interface BrokerAuthOptions {
  /** The broker settings; only `{ enabled: false }` is accepted (azid has no broker). */
  brokerOptions?: BrokerOptions;
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

/** `credentialName: option is not supported: why` (the why says what to do instead). */
function unsupported(credentialName: string, option: string, why: string): UnsupportedOptionError {
  return new UnsupportedOptionError(option, `${credentialName}: ${option} is not supported: ${why}`);
}

/** Proof-of-Possession (SHR) tokens need MSAL's signed-request support, which azid does not have yet. */
export function rejectProofOfPossession(credentialName: string): UnsupportedOptionError {
  return unsupported(
    credentialName,
    "proofOfPossessionOptions",
    "azid issues Bearer tokens only, never tokens bound to a request (PoP). Call getToken without it and send the token as a Bearer token, or use @azure/identity where a PoP token is required.",
  );
}

const HTTP_CLIENT = "pass httpClient (an object with sendRequest(request))";

/**
 * The HTTP pipeline options azid has no use for. additionalPolicies change @azure/core-rest-pipeline
 * requests; azid sends its few token requests without a pipeline, so a policy would never run (an
 * empty array asks for nothing). `transportOptions` names the platform's own transport options
 * (Node: proxyOptions, tlsOptions.ca), if any, for the messages.
 */
export function rejectPipelineOptions(
  credentialName: string,
  options:
    | {
        additionalPolicies?: unknown;
        agent?: unknown;
        allowInsecureConnection?: unknown;
        redirectOptions?: { handleRedirects?: unknown; maxRetries?: unknown };
        telemetryOptions?: { clientRequestIdHeaderName?: unknown };
      }
    | undefined,
  transportOptions = "",
): void {
  if (options === undefined) return;
  if (options.agent !== undefined) {
    throw unsupported(
      credentialName,
      "agent",
      `azid sends requests with its own transport. ${transportOptions}For anything else ${HTTP_CLIENT} that uses your agent.`,
    );
  }
  if (options.allowInsecureConnection === true) {
    throw unsupported(
      credentialName,
      "allowInsecureConnection",
      "azid sends plain http to loopback addresses only (emulators, local managed identity), without this option, and https everywhere else. Remove the option.",
    );
  }
  const redirects = options.redirectOptions;
  if (redirects !== undefined && (redirects.handleRedirects === true || redirects.maxRetries !== undefined)) {
    throw unsupported(
      credentialName,
      "redirectOptions",
      "azid never follows a redirect from a token endpoint (a redirected request fails). Remove the option, or set authorityHost to where the redirect points.",
    );
  }
  if (options.telemetryOptions?.clientRequestIdHeaderName !== undefined) {
    throw unsupported(
      credentialName,
      "telemetryOptions.clientRequestIdHeaderName",
      "azid sends the request-id header each service expects (client-request-id to Entra ID). Remove the option.",
    );
  }
  const policies = options.additionalPolicies;
  if (policies === undefined || (Array.isArray(policies) && policies.length === 0)) return;
  throw unsupported(
    credentialName,
    "additionalPolicies",
    `azid has no @azure/core-rest-pipeline pipeline, so a policy would never run. ${transportOptions}To change or observe azid's requests ${HTTP_CLIENT}.`,
  );
}
