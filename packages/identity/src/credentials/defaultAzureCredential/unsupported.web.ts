// DefaultAzureCredential in browsers and fetch-only runtimes (workerd): its chain is environment
// variables, managed identity and developer tools, none of which exist there, so it throws at
// construction like @azure/identity's browser build (see ../unsupported.web.ts).
import { CredentialUnavailableError } from "../../core/errors.js";
import { unavailable, unsupported } from "../unsupported.web.js";
import type { DefaultAzureCredential as DefaultAzureCredentialClass, getDefaultAzureCredential as GetDefault } from "./defaultAzureCredential.js";
import type { diagnoseDefaultAzureCredential as Diagnose } from "./diagnoseDefaultAzureCredential.js";

const WHY = "its chain is environment variables, managed identity and developer tools; build the credential you need (ChainedTokenCredential chains several)";

export const DefaultAzureCredential = /* @__PURE__ */ unsupported<typeof DefaultAzureCredentialClass>("DefaultAzureCredential", WHY);

export const getDefaultAzureCredential: typeof GetDefault = () => {
  throw new CredentialUnavailableError(unavailable("getDefaultAzureCredential", WHY));
};

export const diagnoseDefaultAzureCredential: typeof Diagnose = async () => {
  throw new CredentialUnavailableError(unavailable("diagnoseDefaultAzureCredential", "it inspects the local machine"));
};
