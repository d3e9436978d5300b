// ManagedIdentityCredential as DefaultAzureCredential runs it. Discovery and acquisition are kept
// apart (user-pain-points.md §1.1): when the host is IMDS, one probe with a short deadline and no
// retries decides whether anything answers there, and its outcome is remembered for the life of the
// process (per endpoint), so a laptop pays for it once, about a millisecond when the port is closed
// and at most PROBE_TIMEOUT_MS when the address is a black hole. When IMDS does answer, the token
// request runs with fewer, shorter retries than a standalone ManagedIdentityCredential: a flaky VM
// still gets its token, a misconfigured one fails in seconds rather than minutes.
import { ManagedIdentityCredential } from "../managedIdentityCredential.js";
import { CredentialUnavailableError } from "../../core/errors.js";
import { TransportError, type HttpClient } from "../../core/http/httpClient.js";
import { credentialLogger } from "../../core/logger.js";
import { detectHost } from "../../sources/managedIdentity/detectHost.js";
import type { IdentitySelector, ManagedIdentityHost } from "../../sources/managedIdentity/host.js";
import { createHostHttp } from "../../sources/managedIdentity/hostHttp.js";
import { probeImds } from "../../sources/managedIdentity/imds.js";
import { transportErrno } from "../../sources/managedIdentity/retryPolicy.js";
import type { AccessToken, GetTokenOptions, TokenCredential } from "../../core/types.js";
import type { RetryOptions, TokenCredentialOptions } from "../../core/options.js";

/** @azure/identity, Go and Python all give the probe one second; shorter gives false negatives on busy VMs (go#22477). */
export const PROBE_TIMEOUT_MS = 1000;
/** Retries once IMDS has answered the probe (a standalone credential uses 5 and 800 ms). */
export const CHAIN_RETRY_OPTIONS: RetryOptions = { maxRetries: 2, retryDelayInMs: 300, maxRetryDelayInMs: 2000 };

export interface ImdsProbeResult {
  reachable: boolean;
  /** The probed endpoint (origin and path only). */
  endpoint: string;
  /** Why it is unreachable, or "answered". */
  detail: string;
  elapsedMs: number;
}

const logger = credentialLogger("DefaultAzureCredential");
const probes = new Map<string, Promise<ImdsProbeResult>>();

/** Forgets every remembered probe outcome (tests). */
export function forgetImdsProbes(): void {
  probes.clear();
}

/** Probes `host` once per process; concurrent callers share the probe. */
export function probeImdsOnce(host: ManagedIdentityHost, client: HttpClient): Promise<ImdsProbeResult> {
  let probe = probes.get(host.endpoint);
  if (probe === undefined) {
    probe = runProbe(host, client);
    probes.set(host.endpoint, probe);
  }
  return probe;
}

async function runProbe(host: ManagedIdentityHost, client: HttpClient): Promise<ImdsProbeResult> {
  let failure: unknown;
  const observed: HttpClient = { sendRequest: (request) => client.sendRequest(request).catch((error: unknown) => Promise.reject((failure = error))) };
  const started = Date.now();
  let reachable: boolean;
  try {
    reachable = await probeImds(host, observed, PROBE_TIMEOUT_MS);
  } catch (error) {
    failure = error;
    reachable = false;
  }
  const elapsedMs = Date.now() - started;
  const detail = reachable ? "answered" : describeProbeFailure(failure);
  logger.info(`IMDS probe of ${host.endpoint}: ${reachable ? "reachable" : `unreachable (${detail})`} in ${elapsedMs} ms; remembered for this process.`);
  return { reachable, endpoint: host.endpoint, detail, elapsedMs };
}

function describeProbeFailure(failure: unknown): string {
  if (failure === undefined) return "answered 403 'unreachable network' (Docker Desktop or a proxy answering for IMDS)";
  if (failure instanceof TransportError) {
    if (failure.code === "TIMEOUT") return `no answer within ${PROBE_TIMEOUT_MS} ms`;
    const errno = transportErrno(failure);
    if (errno === "ECONNREFUSED") return "connection refused";
    return errno !== undefined ? `could not connect (${errno})` : failure.message;
  }
  return failure instanceof Error ? failure.message : String(failure);
}

export type ManagedIdentitySelectorOptions = { clientId: string } | { resourceId: string } | { objectId: string } | Record<string, never>;

export class ChainManagedIdentityCredential implements TokenCredential {
  /** The credential that issues tokens (what getTokenWithSource reports). */
  readonly credential: ManagedIdentityCredential;
  readonly #probe: (() => Promise<ImdsProbeResult>) | undefined;
  /** Releases the IMDS probe's hold on the shared endpoint client. */
  readonly #releaseProbe: (() => void) | undefined;
  #reachable = false;

  constructor(selector: ManagedIdentitySelectorOptions, options: TokenCredentialOptions, settings: { probe: boolean }) {
    const retryOptions = options.retryOptions ?? (settings.probe ? CHAIN_RETRY_OPTIONS : undefined);
    this.credential = new ManagedIdentityCredential({ ...options, ...(retryOptions !== undefined ? { retryOptions } : {}), ...selector });
    const detected = detectHost(process.env, toIdentitySelector(selector));
    if (settings.probe && detected.kind === "host" && detected.host.kind === "imds") {
      const { host } = detected;
      const { client, release } = createHostHttp(host, options);
      this.#probe = () => probeImdsOnce(host, client);
      this.#releaseProbe = release;
    }
  }

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    if (this.#probe === undefined || this.#reachable) return this.credential.getToken(scopes, options);
    return this.#probeThenGetToken(scopes, options);
  }

  /** Closes the managed identity credential (DefaultAzureCredential's close() reaches it through here). */
  close(): Promise<void> {
    this.#releaseProbe?.();
    return this.credential.close();
  }

  async #probeThenGetToken(scopes: string | string[], options: GetTokenOptions | undefined): Promise<AccessToken> {
    const probe = await this.#probe!();
    if (!probe.reachable) {
      throw new CredentialUnavailableError(
        `ManagedIdentityCredential: managed identity endpoint unreachable: not running on Azure (IMDS at ${probe.endpoint}: ${probe.detail}; ` +
          "probed once, remembered for this process).",
      );
    }
    this.#reachable = true;
    return this.credential.getToken(scopes, options);
  }
}

function toIdentitySelector(selector: ManagedIdentitySelectorOptions): IdentitySelector {
  if ("clientId" in selector) return { kind: "clientId", value: selector.clientId };
  if ("resourceId" in selector) return { kind: "resourceId", value: selector.resourceId };
  if ("objectId" in selector) return { kind: "objectId", value: selector.objectId };
  return { kind: "system" };
}
