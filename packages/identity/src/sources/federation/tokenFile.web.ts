// The web builds' token file reader (selected instead of tokenFile.ts by scripts/build.mjs): there are
// no files in a browser or workerd, so a WorkloadIdentityCredential given a tokenFilePath fails at
// construction, naming the option that works there.
import { CredentialUnavailableError } from "../../core/errors.js";

export function checkTokenFilesReadable(credentialName: string): void {
  throw new CredentialUnavailableError(
    `${credentialName}: token files can't be read in browsers and fetch-only runtimes (workerd). Pass getAssertion, a function returning the federated token, instead of tokenFilePath.`,
  );
}

export function readFederatedTokenFile(_path: string, credentialName: string): string {
  checkTokenFilesReadable(credentialName);
  return "";
}
