// The single-page app itself: runs in the browser, bundled by your bundler (here: main.mjs with
// esbuild), which picks azid's browser build through the package's "browser" export condition.
// The user signs in in a popup (authorization code flow with PKCE, redeemed by the page itself, no
// secret); getToken() afterwards renews silently with the refresh token, kept in memory.
import { InteractiveBrowserCredential } from "@azid/identity";

// The server put the app registration's ids in the page; a static site would hard-code them.
const config = JSON.parse(document.getElementById("config").textContent);
const credential = new InteractiveBrowserCredential({
  clientId: config.clientId, // an app registration with this page's origin as a "Single-page application" redirect URI
  tenantId: config.tenantId,
  ...(config.authorityHost ? { authorityHost: config.authorityHost, disableInstanceDiscovery: true } : {}),
  loginStyle: "popup", // or "redirect"
});

const show = (text) => (document.getElementById("result").textContent = text);

document.getElementById("sign-in").addEventListener("click", async () => {
  // Called from the click, so the browser lets the popup open.
  try {
    const record = await credential.authenticate(config.scope);
    const token = await credential.getToken(config.scope); // silent: from the cache
    const claims = JSON.parse(atob(token.token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    show(`signed in as ${record.username}; token for audience ${claims.aud}, scopes ${claims.scp}`);
  } catch (error) {
    show(`${error.name}: ${error.message}`);
  }
});
