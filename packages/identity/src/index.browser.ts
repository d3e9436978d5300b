// @azid/identity in a browser page: the `browser` export condition. The fetch-only build
// (index.web.ts) plus the browser's own sign-in.
//
// InteractiveBrowserCredential is the SPA credential (popup/redirect sign-in,
// credentials/interactiveBrowserCredential.browser.ts). An explicit export wins over the same name
// from `export *`, so index.web.ts's throwing placeholder is shadowed.
export * from "./index.web.js";
export {
  InteractiveBrowserCredential,
  type BrowserLoginStyle,
  type InteractiveBrowserCredentialBrowserOptions,
} from "./credentials/interactiveBrowserCredential.browser.js";
