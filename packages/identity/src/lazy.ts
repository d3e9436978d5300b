// Everything azid compiles on first use rather than at `require()`/`import`: the HTTP transport,
// the developer tools, the device-code and browser sign-ins, the shared token cache file, and the
// failure report and doctor walk of DefaultAzureCredential. The build turns this module into one
// chunk, so a process that only constructs credentials (or takes tokens from the cache) never
// compiles it, and the first request loads all of it at once (one file, not one per feature).
// Call sites load it with `await import("../lazy.js")`, after their first await.
export { createNodeHttpClient } from "./http/nodeHttpClient.js";
export { fetchAzureCliToken } from "./developerTools/azureCli.js";
export { fetchAzureDeveloperCliToken } from "./developerTools/azureDeveloperCli.js";
export { fetchAzurePowerShellToken } from "./developerTools/azurePowerShell.js";
export { runDeviceCodeFlow } from "./entra/deviceCodeFlow.js";
export { runBrowserSignIn } from "./browser/browserSignIn.js";
export { openSystemBrowser } from "./browser/openBrowser.js";
export { readSharedCache, writeRotatedRefreshToken } from "./sharedCache/msalCacheFile.js";
export { chainFailure } from "./defaultChain/remedies.js";
export { diagnoseDefaultAzureCredential } from "./defaultChain/diagnose.js";
