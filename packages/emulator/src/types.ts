// The public shape of a running emulator and its options.
import type { EmulatorConfig } from "./config.js";
import type { FaultInjector, RouteName } from "./faults.js";
import type { FederationIssuers } from "./federation/issuers.js";

export interface EmulatorOptions {
  /** default: defaultEmulatorConfig() */
  config?: EmulatorConfig;
  /** default 0: an ephemeral port */
  port?: number;
  /** default "127.0.0.1"; non-loopback hosts are refused unless allowNonLoopback */
  host?: string;
  /** listen on a non-loopback host: anyone who can reach it gets tokens for the configured apps */
  allowNonLoopback?: boolean;
  /** serve plain HTTP instead of HTTPS (loopback only) */
  http?: boolean;
  /** where the CA (ca.pem, ca-key.pem) and token-signing key (signing-key.pem) live; default ~/.azid/emulator */
  dataDir?: string;
  /** default 3600 */
  accessTokenLifetimeSeconds?: number;
  /** when set, token responses include refresh_in */
  refreshInSeconds?: number;
  /**
   * Reject a certificate assertion whose jti was already used (default false, like Entra: msal-node (and so
   * @azure/identity) reuses one assertion for up to 10 minutes). Turn on to prove a client never reuses one.
   */
  rejectReplayedAssertions?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** form fields as sent, when the body was form-encoded */
  form?: Record<string, string>;
  body: string;
  /** epoch milliseconds when the request arrived */
  time: number;
  route: RouteName;
  /** the status answered; 0 while pending or when a fault made the request hang */
  status: number;
}

export interface Emulator {
  /** authority host, e.g. "https://127.0.0.1:PORT" (no trailing slash) */
  readonly url: string;
  /** PEM file of the CA, for NODE_EXTRA_CA_CERTS */
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** live: tests may add apps or secrets between requests */
  readonly config: EmulatorConfig;
  /** every request in arrival order (control requests to /_emulator/ excepted) */
  readonly requests: RecordedRequest[];
  readonly faults: FaultInjector;
  readonly federation: FederationIssuers;
  /** a server certificate signed by the emulator's CA, e.g. for Azurite --cert/--key */
  issueServerCertificate(hosts: string[]): { certPem: string; keyPem: string };
  /** A self-signed RSA client certificate (what users upload to an app registration for certificate credentials). */
  createClientCertificate(commonName: string): Promise<{ certPem: string; keyPem: string }>;
  /** AZURE_AUTHORITY_HOST, NODE_EXTRA_CA_CERTS, AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, NO_PROXY */
  env(): Record<string, string>;
  /** decodes a token this emulator issued; throws unless its signature verifies */
  decodeToken(jwt: string): { header: Record<string, unknown>; payload: Record<string, unknown> };
  /** stops listening and destroys every open socket, hung ones included */
  close(): Promise<void>;
}
