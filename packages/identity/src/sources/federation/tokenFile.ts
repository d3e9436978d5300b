// The Kubernetes service-account token that workload identity exchanges for an Entra token. The
// kubelet rotates the file (typically hourly, tokens valid ~24 h), so it is read afresh for every
// token request — one small read per Entra round trip — and never cached past a rotation.
import { CredentialUnavailableError } from "../../core/errors.js";
import { readRegularFileSync } from "../../core/regularFile.js";

const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** Token files can be read here (the web builds' tokenFile.web.ts throws instead). */
export function checkTokenFilesReadable(_credentialName: string): void {}

export function readFederatedTokenFile(path: string, credentialName: string): string {
  let content: string;
  try {
    // Non-blocking open, checked on the descriptor: a FIFO at the path can't hang getToken.
    content = readRegularFileSync(path, MAX_TOKEN_FILE_BYTES).toString("utf8").trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "it does not exist" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new CredentialUnavailableError(
      `${credentialName}: cannot read the federated token file ${path} (${reason}). On AKS, check the pod has the label azure.workload.identity/use: "true" and its service account the azure.workload.identity/client-id annotation.`,
    );
  }
  if (content.length === 0) {
    throw new CredentialUnavailableError(
      `${credentialName}: the federated token file ${path} is empty. The projected service account token has not been written yet.`,
    );
  }
  return content;
}
