// Child process for msalNode.test.ts: Microsoft's @azure/msal-node on its own (no @azure/identity
// around it) against the emulator, configured as its docs say for a private authority:
// `knownAuthorities` names the emulator's host, so msal-node skips instance discovery. Trust in the
// emulator's CA comes from NODE_EXTRA_CA_CERTS. Prints one JSON line (test tokens, never a secret).
import { readFileSync } from "node:fs";
import { ConfidentialClientApplication, ManagedIdentityApplication } from "@azure/msal-node";

const env = process.env;
const scope = env.AZID_TEST_SCOPE;
const scenario = process.argv[2];

function confidentialClient(credential) {
  const authority = `${env.AZURE_AUTHORITY_HOST}/${env.AZURE_TENANT_ID}`;
  return new ConfidentialClientApplication({ auth: { clientId: env.AZURE_CLIENT_ID, authority, knownAuthorities: [new URL(authority).host], ...credential } });
}

async function clientCredentials(app) {
  const first = await app.acquireTokenByClientCredential({ scopes: [scope] });
  const again = await app.acquireTokenByClientCredential({ scopes: [scope] });
  return { token: first.accessToken, expiresOn: first.expiresOn?.getTime(), cached: again.fromCache === true && again.accessToken === first.accessToken };
}

async function managedIdentity() {
  const clientId = env.AZID_TEST_MI_CLIENT_ID;
  const app = new ManagedIdentityApplication(clientId ? { managedIdentityIdParams: { userAssignedClientId: clientId } } : {});
  const resource = scope.replace(/\/\.default$/, "");
  const first = await app.acquireToken({ resource });
  const again = await app.acquireToken({ resource });
  return { token: first.accessToken, expiresOn: first.expiresOn?.getTime(), cached: again.fromCache === true, source: app.getManagedIdentitySource() };
}

const scenarios = {
  secret: () => clientCredentials(confidentialClient({ clientSecret: env.AZURE_CLIENT_SECRET })),
  certificate: () => {
    const pem = readFileSync(env.AZID_TEST_CERTIFICATE_PATH, "utf8");
    return clientCredentials(confidentialClient({ clientCertificate: { thumbprintSha256: env.AZID_TEST_CERTIFICATE_SHA256, privateKey: pem } }));
  },
  managedIdentity,
};

try {
  if (!(scenario in scenarios)) throw new Error(`unknown scenario ${scenario}`);
  process.stdout.write(`${JSON.stringify(await scenarios[scenario]())}\n`);
} catch (error) {
  process.stdout.write(
    `${JSON.stringify({ error: { name: error?.name, errorCode: error?.errorCode, message: String(error?.message ?? error).split("\n")[0] } })}\n`,
  );
}
