// Credentials that can't work in a browser or a fetch-only runtime (workerd): no host identity
// endpoint, no developer tools, no files, no environment. As in @azure/identity's browser build,
// each throws at construction, saying so and naming what to use instead. Each credential's `.web.ts`
// file (azureCliCredential.web.ts...) re-exports its placeholder, which the web builds pick in place of
// the Node module, so index.ts's one export list serves every build; the placeholders are typed as the
// Node classes, so code type-checks the same in every build.
import { CredentialUnavailableError } from "../core/errors.js";
import type { AzureCliCredential as AzureCliCredentialClass } from "./azureCliCredential.js";
import type { AzureDeveloperCliCredential as AzureDeveloperCliCredentialClass } from "./azureDeveloperCliCredential.js";
import type { AzurePipelinesCredential as AzurePipelinesCredentialClass } from "./azurePipelinesCredential.js";
import type { AzurePowerShellCredential as AzurePowerShellCredentialClass } from "./azurePowerShellCredential.js";
import type { DeviceCodeCredential as DeviceCodeCredentialClass } from "./deviceCodeCredential.js";
import type { EnvironmentCredential as EnvironmentCredentialClass } from "./environmentCredential.js";
import type { InteractiveBrowserCredential as InteractiveBrowserCredentialClass } from "./interactiveBrowserCredential.js";
import type { ManagedIdentityCredential as ManagedIdentityCredentialClass } from "./managedIdentityCredential.js";
import type { SharedTokenCacheCredential as SharedTokenCacheCredentialClass } from "./sharedTokenCacheCredential.js";
import type { VisualStudioCodeCredential as VisualStudioCodeCredentialClass } from "./visualStudioCodeCredential.js";

const WORKS_HERE =
  "In a browser or a fetch-only runtime (workerd) use ClientSecretCredential, ClientCertificateCredential with a PEM string, " +
  "ClientAssertionCredential, or WorkloadIdentityCredential with getAssertion (in a browser page: InteractiveBrowserCredential).";

export function unavailable(name: string, why: string): string {
  return `${name} is not supported in browsers and fetch-only runtimes (workerd): ${why}. ${WORKS_HERE}`;
}

export function unsupported<T>(name: string, why: string): T {
  const message = unavailable(name, why);
  return class {
    constructor() {
      throw new CredentialUnavailableError(message);
    }
  } as T;
}

const DEV_TOOL = "it runs a developer tool as a local process";
export const ManagedIdentityCredential = /* @__PURE__ */ unsupported<typeof ManagedIdentityCredentialClass>(
  "ManagedIdentityCredential",
  "there is no managed identity endpoint to reach (in a worker, a workload identity federation token given to WorkloadIdentityCredential's getAssertion plays its part)",
);
export const AzureCliCredential = /* @__PURE__ */ unsupported<typeof AzureCliCredentialClass>("AzureCliCredential", DEV_TOOL);
export const AzureDeveloperCliCredential = /* @__PURE__ */ unsupported<typeof AzureDeveloperCliCredentialClass>("AzureDeveloperCliCredential", DEV_TOOL);
export const AzurePowerShellCredential = /* @__PURE__ */ unsupported<typeof AzurePowerShellCredentialClass>("AzurePowerShellCredential", DEV_TOOL);
export const VisualStudioCodeCredential = /* @__PURE__ */ unsupported<typeof VisualStudioCodeCredentialClass>(
  "VisualStudioCodeCredential",
  "it reads the editor's sign-in on the local machine",
);
export const SharedTokenCacheCredential = /* @__PURE__ */ unsupported<typeof SharedTokenCacheCredentialClass>(
  "SharedTokenCacheCredential",
  "it reads a token cache file",
);
export const EnvironmentCredential = /* @__PURE__ */ unsupported<typeof EnvironmentCredentialClass>(
  "EnvironmentCredential",
  "there are no environment variables; pass the values to a credential",
);
export const AzurePipelinesCredential = /* @__PURE__ */ unsupported<typeof AzurePipelinesCredentialClass>(
  "AzurePipelinesCredential",
  "it reads the pipeline's environment",
);
export const DeviceCodeCredential = /* @__PURE__ */ unsupported<typeof DeviceCodeCredentialClass>("DeviceCodeCredential", "it prompts on a terminal");
/** The browser build has the SPA sign-in instead (interactiveBrowserCredential.browser.ts). */
export const InteractiveBrowserCredential = /* @__PURE__ */ unsupported<typeof InteractiveBrowserCredentialClass>(
  "InteractiveBrowserCredential",
  "a worker has no browser window (in a browser page the `browser` build provides it)",
);
