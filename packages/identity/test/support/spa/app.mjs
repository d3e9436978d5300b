// A small single-page app for the browser tests and the bench: it signs its user in with azid's
// browser build (InteractiveBrowserCredential from src/index.ts, bundled by spaServer.ts as
// scripts/webBuild.mjs bundles dist/browser) and calls a loopback API with the bearer token. The
// test drives it through window.spa; settings live in sessionStorage, so the page that a redirect
// sign-in comes back to builds the same credential, which completes the sign-in.
import { AuthenticationError, InteractiveBrowserCredential, getBearerTokenProvider } from "../../../src/index.ts";

const config = JSON.parse(document.getElementById("config").textContent);
const SETTINGS = "spa-test-settings";
let credential;

function create(settings) {
  return new InteractiveBrowserCredential({
    clientId: config.clientId,
    tenantId: config.tenantId,
    authorityHost: config.authorityHost,
    disableInstanceDiscovery: true,
    retryOptions: { retryDelayInMs: 20 },
    ...settings,
  });
}

/** What the test can see of an outcome: a token's claims, or the error's type, OAuth code and message. */
async function outcome(work) {
  try {
    return { ok: await work() };
  } catch (error) {
    return {
      error: {
        name: error?.name,
        isAuthenticationError: error instanceof AuthenticationError,
        code: error?.errorResponse?.error,
        message: String(error?.message),
      },
    };
  }
}

function claims(jwt) {
  return JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
}

window.spa = {
  configure(settings) {
    sessionStorage.setItem(SETTINGS, JSON.stringify(settings));
    credential = create(settings);
  },
  getToken: (scope, options) =>
    outcome(async () => {
      const token = await credential.getToken(scope, options);
      const { upn, aud, scp } = claims(token.token);
      return { upn, aud, scp, expiresOnTimestamp: token.expiresOnTimestamp };
    }),
  authenticate: (scope) => outcome(() => credential.authenticate(scope)),
  callApi: (scope) =>
    outcome(async () => {
      const bearer = await getBearerTokenProvider(credential, scope)();
      const response = await fetch("/api/whoami", { headers: { authorization: `Bearer ${bearer}` } });
      return { status: response.status, body: await response.json() };
    }),
  /** Started by the #sign-in button: a click, so the browser lets the popup open. */
  pending: undefined,
};

/** The #scope field: one scope, or several separated by spaces (passed as an array). */
function scopeField() {
  const value = document.getElementById("scope").value;
  return value.includes(" ") ? value.split(" ") : value;
}

document.getElementById("sign-in").addEventListener("click", () => {
  window.spa.pending = window.spa.getToken(scopeField());
});

const saved = sessionStorage.getItem(SETTINGS);
if (saved !== null) credential = create(JSON.parse(saved));
// A sign-in the page starts by itself as it loads: no click, so a popup blocker blocks its popup.
if (sessionStorage.getItem("spa-sign-in-on-load") !== null) {
  sessionStorage.removeItem("spa-sign-in-on-load");
  window.spa.pending = window.spa.getToken(scopeField());
}
window.spa.ready = true;
