// DefaultAzureCredential in browsers and fetch-only runtimes (workerd): it throws at construction
// (unsupported.web.ts). The web builds pick this file in place of defaultAzureCredential.ts.
export { DefaultAzureCredential, getDefaultAzureCredential } from "./unsupported.web.js";
