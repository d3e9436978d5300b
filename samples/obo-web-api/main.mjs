// A small web API that calls a downstream API as its caller (the on-behalf-of flow).
//   GET /me  with  Authorization: Bearer <a user's token for this API>
//   →  { "user": ..., "downstream": { "audience": ..., "scopes": ... } }
// The API exchanges the caller's token for a token to DOWNSTREAM_SCOPE (Microsoft Graph by default)
// with OnBehalfOfCredential, then would call that API with it; here it reports what it got.
// Configuration (environment):
//   AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET   this API's app registration
//   DOWNSTREAM_SCOPE   default https://graph.microsoft.com/.default
//   PORT               default 8080 (0: any free port); listens on 127.0.0.1 only
// This sample does not validate the incoming token itself (signature, audience, issuer): a real API
// must, with its web framework's JWT middleware, before doing anything else. Entra ID also refuses
// the exchange for a token that was not issued for this API.
import { createServer } from "node:http";
import { AuthenticationError, OnBehalfOfCredential } from "@azid/identity";

const { AZURE_TENANT_ID: tenantId, AZURE_CLIENT_ID: clientId, AZURE_CLIENT_SECRET: clientSecret } = process.env;
const downstreamScope = process.env.DOWNSTREAM_SCOPE ?? "https://graph.microsoft.com/.default";

const claimsOf = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString("utf8"));

function send(response, status, body) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

const server = createServer(async (request, response) => {
  if (request.method !== "GET" || request.url !== "/me") return send(response, 404, { error: "not_found" });
  const userAssertionToken = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "")?.[1];
  if (!userAssertionToken) return send(response, 401, { error: "missing_bearer_token" });
  try {
    // One credential per incoming user token: it is bound to that user. azid's cache still shares
    // downstream tokens between requests that carry the same user token.
    const credential = new OnBehalfOfCredential({ tenantId, clientId, clientSecret, userAssertionToken });
    const downstream = await credential.getToken(downstreamScope);
    const claims = claimsOf(downstream.token);
    send(response, 200, { user: claims.upn ?? claims.unique_name ?? claims.oid, downstream: { audience: claims.aud, scopes: claims.scp } });
  } catch (error) {
    // Entra refused the exchange (expired or foreign token, missing consent): the caller must fix it.
    const status = error instanceof AuthenticationError && error.statusCode >= 400 && error.statusCode < 500 ? 401 : 502;
    send(response, status, { error: error.name, message: error.message.split("\n")[0] });
  }
});

server.listen(Number(process.env.PORT ?? 8080), "127.0.0.1", () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
