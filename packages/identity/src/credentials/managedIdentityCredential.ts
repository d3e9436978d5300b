// The managed identity of the Azure resource this process runs on. The host (IMDS, App Service,
// Service Fabric, Azure Arc, Azure ML, Cloud Shell, or AKS token exchange) is detected once from the
// environment at construction (managedIdentity/detectHost.ts); each host speaks its protocol in its own
// file under managedIdentity/. This class validates the identity selector against what the host
// supports and wires the host to the shared cache. The cache partition is host + endpoint + identity,
// so any number of instances (one per request is a common mistake) share tokens and in-flight requests.
import { TokenProvider } from "../core/cache/tokenProvider.js";
import { fleetCache } from "../core/cache/fleetCache.js";
import { tokenDetailsLogger } from "../core/accountLogging.js";
import { AuthenticationError, CredentialUnavailableError } from "../core/errors.js";
import { credentialLogger } from "../core/logger.js";
import { nodeOs } from "../core/nodeBuiltins.js";
import { describeSelector, selectorOptionNames, type HostKind, type IdentitySelector, type SelectorKind } from "../sources/managedIdentity/host.js";
import { createHostHttp } from "../sources/managedIdentity/hostHttp.js";
import { detectHost } from "../sources/managedIdentity/detectHost.js";
import { scopeToResource } from "../core/scopes.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../core/types.js";
import { WorkloadIdentityCredential } from "./workloadIdentityCredential.js";
import type { TokenCredentialOptions } from "../core/options.js";
import { closeParts } from "../core/closable.js";

/** Options of every form of ManagedIdentityCredential. */
export interface ManagedIdentityHostOptions extends TokenCredentialOptions {
  /**
   * azid extension, Azure Arc only: the directory the Azure Connected Machine agent writes its challenge
   * key files in. Default: the agent's fixed directory (/var/opt/azcmagent/tokens on Linux,
   * %ProgramData%\AzureConnectedMachineAgent\Tokens on Windows). Name another only for an agent
   * installed elsewhere or an emulator: the key file must still be a regular `.key` file directly in it.
   */
  azureArcTokenDirectory?: string;
}

/** The client id of a user-assigned identity (or, on AKS, of the workload identity's app). */
export interface ManagedIdentityCredentialClientIdOptions extends ManagedIdentityHostOptions {
  /** The user-assigned identity's client id. Default: the system-assigned identity. */
  clientId?: string;
}

/** The ARM resource id of a user-assigned identity (/subscriptions/.../userAssignedIdentities/name). */
export interface ManagedIdentityCredentialResourceIdOptions extends ManagedIdentityHostOptions {
  /** `/subscriptions/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`. */
  resourceId: string;
}

/** The object (principal) id of a user-assigned identity. */
export interface ManagedIdentityCredentialObjectIdOptions extends ManagedIdentityHostOptions {
  /** The identity's object id. */
  objectId: string;
}

const NAME = "ManagedIdentityCredential";
const logger = credentialLogger(NAME);
/** Long enough for IMDS's 410 rule (>= 70 s of retrying) plus one attempt; requestOptions.timeout overrides it. */
const DEFAULT_TIMEOUT_MS = 90_000;

/** Why a host takes no selector (or only some), for the construction error. */
const SELECTOR_NOTES: Partial<Record<HostKind, string>> = {
  cloudShell: "Cloud Shell ignores identity parameters and would return the signed-in user's token instead.",
  serviceFabric: "The identity is chosen by the Service Fabric cluster resource configuration (https://aka.ms/servicefabricmi).",
  azureArc: "An Arc-enabled server has only its system-assigned identity.",
  azureMl: "The Azure ML endpoint (API 2017-09-01) selects identities by client id only.",
};

/**
 * The managed identity of the Azure host the code runs on. The host is detected from its
 * environment variables: App Service and Functions (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`),
 * Service Fabric, Azure Arc, Cloud Shell and Azure ML (`MSI_ENDPOINT`), AKS workload identity
 * (`AZURE_FEDERATED_TOKEN_FILE`), otherwise the VM's IMDS endpoint (169.254.169.254), with IMDS's
 * retry rules. Without options it uses the system-assigned identity; pass `clientId`, `resourceId`
 * or `objectId` for a user-assigned one. One scope per call.
 *
 * When no endpoint answers, `getToken` rejects with {@link CredentialUnavailableError}
 * (docs/troubleshooting.md#managedidentitycredential). For local tests point it at the azid emulator
 * (docs/emulator.md).
 *
 * @example
 * ```ts
 * const credential = new ManagedIdentityCredential({ clientId: "<user-assigned client id>" });
 * const { token } = await credential.getToken("https://storage.azure.com/.default");
 * ```
 */
export class ManagedIdentityCredential implements TokenCredential {
  readonly #provider: TokenProvider | undefined;
  readonly #delegate: TokenCredential | undefined;

  /** A user-assigned identity by client id (or, with AKS workload identity, the app's client id). */
  constructor(clientId: string, options?: TokenCredentialOptions);
  constructor(options?: ManagedIdentityCredentialClientIdOptions);
  constructor(options?: ManagedIdentityCredentialResourceIdOptions);
  constructor(options?: ManagedIdentityCredentialObjectIdOptions);
  /** Any one of the above (handy when the selector is decided at run time). */
  constructor(options?: ManagedIdentityCredentialClientIdOptions | ManagedIdentityCredentialResourceIdOptions | ManagedIdentityCredentialObjectIdOptions);
  constructor(
    clientIdOrOptions?:
      string | ManagedIdentityCredentialClientIdOptions | ManagedIdentityCredentialResourceIdOptions | ManagedIdentityCredentialObjectIdOptions,
    options?: TokenCredentialOptions,
  ) {
    const { selector, credentialOptions: allOptions } = readSelector(clientIdOrOptions, options);
    const { azureArcTokenDirectory, ...credentialOptions } = (allOptions ?? {}) as ManagedIdentityHostOptions;
    if (azureArcTokenDirectory !== undefined && (typeof azureArcTokenDirectory !== "string" || azureArcTokenDirectory.trim() === "")) {
      throw new TypeError(`${NAME}: azureArcTokenDirectory must be a non-empty path, received ${typeof azureArcTokenDirectory}.`);
    }
    const detected = detectHost(process.env, selector, undefined, azureArcTokenDirectory);

    if (detected.kind === "tokenExchange") {
      if (selector.kind === "objectId" || selector.kind === "resourceId") {
        throw new RangeError(
          `${NAME}: AKS workload identity (token exchange) was detected from AZURE_FEDERATED_TOKEN_FILE, AZURE_TENANT_ID and AZURE_CLIENT_ID; it selects the identity by client id only, not by ${selector.kind}. Pass { clientId } instead.`,
        );
      }
      logger.info(`using token exchange (AKS workload identity) for client id ${detected.clientId} in tenant ${detected.tenantId}.`);
      // As @azure/identity: token exchange is WorkloadIdentityCredential with instance discovery off. It
      // uses the shared cache through its own partition (authority + client id + token file).
      const { tenantId, clientId, tokenFilePath } = detected;
      this.#delegate = new WorkloadIdentityCredential({ ...credentialOptions, tenantId, clientId, tokenFilePath, disableInstanceDiscovery: true });
      return;
    }

    const { host, detectedFrom } = detected;
    if (selector.kind !== "system" && !host.supportedSelectors.includes(selector.kind)) {
      throw new RangeError(
        `${NAME}: ${host.displayName} was detected (from ${detectedFrom}) and does not support selecting a user-assigned identity by ${selector.kind}. ` +
          `Supported selectors: ${selectorOptionNames(host.supportedSelectors)}. ${SELECTOR_NOTES[host.kind] ?? ""}`.trim(),
      );
    }
    logger.info(`using ${host.displayName} (${host.endpoint}), detected from ${detectedFrom}; ${describeSelector(selector)}.`);
    const http = createHostHttp(host, credentialOptions);
    this.#provider = new TokenProvider({
      partition: `mi\u0000${host.kind}\u0000${host.endpoint}\u0000${selector.kind}\u0000${selector.kind === "system" ? "" : selector.value}`,
      tenantId: undefined,
      additionallyAllowedTenants: [],
      logger,
      defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
      // A system-assigned identity belongs to this machine (every VM's IMDS looks the same): share its
      // tokens only among processes on this host. A user-assigned id names the same identity anywhere.
      fleet: fleetCache(selector.kind === "system" ? () => `host:${nodeOs().hostname()}` : undefined),
      onToken: tokenDetailsLogger(logger, credentialOptions?.loggingOptions),
      onClose: () => http.release(),
      deadlineError: (timeoutMs) =>
        new CredentialUnavailableError(
          `${NAME}: no token from ${host.displayName} (${host.endpoint}) within requestOptions.timeout (${timeoutMs} ms). ` +
            (host.kind === "imds"
              ? "Is this an Azure host with a managed identity? Elsewhere use another credential."
              : "The endpoint named by the environment is not answering in time."),
          { cause: new AuthenticationError(0, { error: "timeout", errorDescription: `No token within requestOptions.timeout (${timeoutMs} ms).` }) },
        ),
      source: (request) => {
        const resource = scopeToResource(request.scopes[0]!);
        logger.verbose(`requesting a token from ${host.displayName} (${host.endpoint}) for ${describeSelector(selector)}, resource ${resource}.`);
        return host.fetchToken({ resource, selector, deadline: request.deadline, http });
      },
    });
  }

  /** One scope per call (managed identity endpoints issue tokens for one resource); `/.default` is stripped. */
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    if (Array.isArray(scopes) && scopes.length !== 1) return Promise.reject(oneScopeOnly(scopes));
    if (this.#delegate !== undefined) return this.#delegate.getToken(scopes, options) as Promise<AccessToken>;
    return this.#provider!.getToken(scopes, options);
  }

  /** Stops this credential and releases what it holds (azid extension); getToken then rejects with CredentialClosedError. */
  close(): Promise<void> {
    return closeParts(this.#provider, this.#delegate);
  }

  /** `await using credential = new ...` closes it at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function readSelector(
  clientIdOrOptions: string | (TokenCredentialOptions & { clientId?: string; resourceId?: string; objectId?: string }) | undefined,
  options: TokenCredentialOptions | undefined,
): { selector: IdentitySelector; credentialOptions: TokenCredentialOptions | undefined } {
  if (typeof clientIdOrOptions === "string") {
    return { selector: { kind: "clientId", value: checkId("clientId", clientIdOrOptions) }, credentialOptions: options };
  }
  if (clientIdOrOptions === undefined || clientIdOrOptions === null) return { selector: { kind: "system" }, credentialOptions: options };
  if (typeof clientIdOrOptions !== "object") {
    throw new TypeError(`${NAME}: the first argument must be a client id (string) or an options object, received ${typeof clientIdOrOptions}.`);
  }
  const { clientId, resourceId, objectId, ...credentialOptions } = clientIdOrOptions;
  const given = (["clientId", "resourceId", "objectId"] as const).filter((k) => clientIdOrOptions[k] !== undefined);
  if (given.length > 1) {
    throw new TypeError(`${NAME}: only one of 'clientId', 'resourceId' or 'objectId' can be provided; received ${given.join(" and ")}.`);
  }
  if (given.length === 0) return { selector: { kind: "system" }, credentialOptions };
  const kind: SelectorKind = given[0]!;
  return { selector: { kind, value: checkId(kind, { clientId, resourceId, objectId }[kind]) }, credentialOptions };
}

function checkId(name: SelectorKind, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`${NAME}: ${name} must be a non-empty string (received ${value === "" ? "an empty string" : typeof value}).`);
  }
  // Ids travel in query strings and cache keys: no control characters or spaces.
  if (/[\s\u0000-\u001f\u007f]/.test(value)) throw new TypeError(`${NAME}: ${name} must not contain spaces or control characters.`);
  if (value.length > 1024) throw new TypeError(`${NAME}: ${name} is ${value.length} characters long; ids are at most 1024.`);
  return value;
}

function oneScopeOnly(scopes: string[]): TypeError {
  const shown = scopes
    .slice(0, 5)
    .map((s) => JSON.stringify(typeof s === "string" ? s.slice(0, 100) : s))
    .join(", ");
  return new TypeError(
    `${NAME}: exactly one scope per getToken() call is supported (a managed identity token is for one resource); received ${scopes.length}${scopes.length > 0 ? `: ${shown}` : ""}. Call getToken() once per resource.`,
  );
}
