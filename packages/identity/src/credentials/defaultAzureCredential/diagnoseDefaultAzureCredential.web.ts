// diagnoseDefaultAzureCredential in browsers and fetch-only runtimes (workerd): it rejects, as there is
// no machine to inspect (unsupported.web.ts). The web builds pick this file in place of diagnoseDefaultAzureCredential.ts.
export { diagnoseDefaultAzureCredential } from "./unsupported.web.js";
