// InteractiveBrowserCredential in fetch-only runtimes (workerd): a worker has no window, so it throws at
// construction, saying so (unsupported.web.ts). The workerd build picks this file in place of
// interactiveBrowserCredential.ts; the browser build picks interactiveBrowserCredential.browser.ts.
export { InteractiveBrowserCredential } from "./unsupported.web.js";
