// Kubernetes workload identity (protocols.md 4, A.5): the projected service account token that
// the AKS webhook mounts at AZURE_FEDERATED_TOKEN_FILE, here minted by the emulator's default
// federation issuer. Writing goes through a temporary file and a rename, as kubelet's atomic
// writer does, so a client never reads half a token while the file rotates.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { DEFAULT_CLIENT_ID, DEFAULT_FEDERATED_SUBJECT, TOKEN_EXCHANGE_AUDIENCE, type EmulatorConfig } from "../config.js";
import type { LocalFederationIssuers } from "./issuers.js";

export interface WorkloadIdentityTokenOptions {
  /** default: a file in the emulator's temporary directory */
  path?: string;
  /** default DEFAULT_FEDERATED_SUBJECT (system:serviceaccount:default:workload-identity-sa) */
  subject?: string;
  /** default DEFAULT_CLIENT_ID, whose federated credential trusts the default subject */
  clientId?: string;
  /** default 3600 */
  lifetimeSeconds?: number;
}

export interface WorkloadIdentitySettings {
  url: string;
  config: EmulatorConfig;
  federation: LocalFederationIssuers;
  /** where the default token file goes */
  directory: string;
}

export async function writeWorkloadIdentityToken(
  settings: WorkloadIdentitySettings,
  options: WorkloadIdentityTokenOptions = {},
): Promise<Record<string, string>> {
  const subject = options.subject ?? DEFAULT_FEDERATED_SUBJECT;
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const lifetimeSeconds = options.lifetimeSeconds ?? 3600;
  if (typeof subject !== "string" || subject === "") throw new TypeError(`subject must be a non-empty string, got ${JSON.stringify(subject)}`);
  if (typeof clientId !== "string" || clientId === "") throw new TypeError(`clientId must be a non-empty string, got ${JSON.stringify(clientId)}`);
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds <= 0) throw new RangeError(`lifetimeSeconds must be a positive integer, got ${lifetimeSeconds}`);
  const path = options.path ?? join(settings.directory, "workload-identity", "azure-identity-token");

  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject);
  const token = settings.federation.mint({
    subject,
    lifetimeSeconds,
    // Kubernetes sends `aud` as an array and names the pod's namespace and service account.
    claims: {
      aud: [TOKEN_EXCHANGE_AUDIENCE],
      ...(serviceAccount === null ? {} : { "kubernetes.io": { namespace: serviceAccount[1], serviceaccount: { name: serviceAccount[2], uid: randomUUID() } } }),
    },
  });
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temporary, token, { mode: 0o600 });
  await rename(temporary, path);

  const tenant =
    settings.config.tenants.find((candidate) => candidate.apps.some((app) => app.clientId.toLowerCase() === clientId.toLowerCase())) ??
    settings.config.tenants[0];
  return {
    AZURE_FEDERATED_TOKEN_FILE: path,
    AZURE_CLIENT_ID: clientId,
    ...(tenant === undefined ? {} : { AZURE_TENANT_ID: tenant.id }),
    AZURE_AUTHORITY_HOST: settings.url,
  };
}
