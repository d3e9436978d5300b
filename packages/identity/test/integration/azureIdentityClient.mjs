// Child process for azureIdentityFidelity.test.ts: Microsoft's own @azure/identity (MSAL inside)
// against the azid emulator, configured the way a user would point it at a sovereign or private
// authority. Trust in the emulator's CA comes from NODE_EXTRA_CA_CERTS, read at start-up.
// Prints one JSON line on stdout for the parent test to decode (test tokens from a local emulator).
import { ClientCertificateCredential, ClientSecretCredential } from "@azure/identity";

const env = process.env;
const scenario = process.argv[2];
const scope = env.AZID_TEST_SCOPE;
const options = { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };

function credentialFor(name) {
  if (name === "secret") return new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, options);
  if (name === "certificate")
    return new ClientCertificateCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, { certificatePath: env.AZID_TEST_CERTIFICATE_PATH }, options);
  throw new Error(`unknown scenario ${name}`);
}

try {
  const credential = credentialFor(scenario);
  const token = await credential.getToken(scope);
  // A second call must come from MSAL's own cache, not from another request.
  const again = await credential.getToken(scope);
  process.stdout.write(
    `${JSON.stringify({ token: token.token, expiresOnTimestamp: token.expiresOnTimestamp, tokenType: token.tokenType, cached: again.token === token.token })}\n`,
  );
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: { name: error?.name, message: String(error?.message ?? error) } })}\n`);
}
