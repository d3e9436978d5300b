// AzureCliCredential in browsers and fetch-only runtimes (workerd): it throws at construction, saying why and what to
// use instead (unsupported.web.ts). The web builds pick this file in place of azureCliCredential.ts.
export { AzureCliCredential } from "./unsupported.web.js";
