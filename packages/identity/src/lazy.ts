// The one module azid compiles on first use rather than at `require()`/`import`: the developer tools,
// the device-code and browser sign-ins, the user credentials' sign-in machinery (their UserTokenClient,
// built on first use by credentials/userTokenClientLoader.ts), the shared token cache file, and
// DefaultAzureCredential's failure report and doctor walk. The build turns it into one chunk, so a
// process that only uses service-principal or managed identity credentials never compiles it, and a
// process that needs any of it loads all of it at once (one file, not one per feature: per-feature
// chunks split the eager code too and make `require()` slower).
// Rules (scripts/check-layers.mjs): it re-exports only modules below it, and is named only inside
// `await import("../lazy.js")` by the layers above it (credentials/). What its code needs from above,
// such as DefaultAzureCredential's plan, it takes as an argument.
export { fetchAzureCliToken } from "./sources/developerTools/azureCli.js";
export { fetchAzureDeveloperCliToken } from "./sources/developerTools/azureDeveloperCli.js";
export { fetchAzurePowerShellToken } from "./sources/developerTools/azurePowerShell.js";
export { runDeviceCodeFlow } from "./sources/entra/deviceCodeFlow.js";
export { createUserTokenClient } from "./providers/userTokens.js";
export { runBrowserSignIn } from "./sources/browserSignIn/browserSignIn.js";
export { browserCommand, openSystemBrowser } from "./sources/browserSignIn/openBrowser.js";
export { SharedTokenCacheSessions } from "./providers/sharedTokenCache.js";
export { readVSCodeSignIn, RECORD_DIRECTORIES, RECORD_FILE } from "./sources/visualStudioCode/signInRecord.js";
export { PersistentTokenCache, withPersistentAppTokens } from "./providers/persistentTokenCache.js";
export { chainFailure } from "./sources/defaultChain/remedies.js";
export { diagnoseChain } from "./sources/defaultChain/diagnose.js";
