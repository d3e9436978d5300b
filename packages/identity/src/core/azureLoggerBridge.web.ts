// The web and browser builds' bridge: none. A pre-bundled azid cannot share the application's
// @azure/logger instance there, and a dynamic import() of a package name would only make the app's
// bundler warn ("critical dependency") and the browser fail the request. Logging in these builds goes
// through azid's own setLogLevel / AzureLogger.log (processShim.web.ts writes to console.error).

/** Nothing to connect in web builds; resolves false. */
export function connectAzureLogger(): Promise<boolean> {
  return Promise.resolve(false);
}

/** Nothing to wait for in web builds (no line is held). */
export function connectAzureLoggerLater(): void {}

/** Nothing to connect in web builds. */
export function connectAzureLoggerAfterToken(): void {}
