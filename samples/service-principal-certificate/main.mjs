// Gets a token as a service principal that proves itself with a certificate, and prints what the
// token says (never the token itself).
// Configuration (environment):
//   AZURE_TENANT_ID, AZURE_CLIENT_ID        the app registration
//   AZURE_CLIENT_CERTIFICATE_PATH           PEM with the certificate and its private key, or a .pfx
//   AZURE_CLIENT_CERTIFICATE_PASSWORD       if the key or PFX is encrypted (optional)
//   AZURE_SCOPE                             default https://management.azure.com/.default
import { ClientCertificateCredential } from "@azid/identity";

const { AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_CERTIFICATE_PATH, AZURE_CLIENT_CERTIFICATE_PASSWORD } = process.env;
const scope = process.env.AZURE_SCOPE ?? "https://management.azure.com/.default";

// The certificate is read now: a missing file, a wrong password or a key that doesn't match the
// certificate fails here with a CertificateLoadError, not at the first request.
const credential = new ClientCertificateCredential(AZURE_TENANT_ID, AZURE_CLIENT_ID, {
  certificatePath: AZURE_CLIENT_CERTIFICATE_PATH,
  ...(AZURE_CLIENT_CERTIFICATE_PASSWORD ? { certificatePassword: AZURE_CLIENT_CERTIFICATE_PASSWORD } : {}),
});

const token = await credential.getToken(scope);
const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString("utf8"));
console.log(`token for audience ${claims.aud}`);
console.log(`app ${claims.appid} in tenant ${claims.tid}${claims.roles ? `, roles ${claims.roles.join(",")}` : ""}`);
console.log(`expires ${new Date(token.expiresOnTimestamp).toISOString()}`);
