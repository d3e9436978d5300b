// Child process for azureIdentity.test.ts: Microsoft's @azure/identity against the emulator, for
// what azureIdentityFidelity.test.ts and azureIdentityCompat.test.ts don't run: EnvironmentCredential,
// ManagedIdentityCredential and DeviceCodeCredential. Trust in the emulator's CA comes from
// NODE_EXTRA_CA_CERTS. Prints one JSON line (test tokens from a local emulator, never a secret).
import { DeviceCodeCredential, EnvironmentCredential, ManagedIdentityCredential } from "@azure/identity";

const env = process.env;
const scope = env.AZID_TEST_SCOPE;
const common = { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };

const credentials = {
  environment: () => new EnvironmentCredential(common),
  managedIdentity: () => (env.AZID_TEST_MI_CLIENT_ID ? new ManagedIdentityCredential(env.AZID_TEST_MI_CLIENT_ID) : new ManagedIdentityCredential()),
  // The person approves on /devicelogin; the parent test does it through the emulator.
  deviceCode: () =>
    new DeviceCodeCredential({ ...common, tenantId: env.AZURE_TENANT_ID, clientId: env.AZID_TEST_PUBLIC_CLIENT_ID, userPromptCallback: () => {} }),
};

try {
  const credential = credentials[process.argv[2]]();
  const token = await credential.getToken(scope);
  const again = await credential.getToken(scope);
  process.stdout.write(`${JSON.stringify({ token: token.token, expiresOnTimestamp: token.expiresOnTimestamp, cached: again.token === token.token })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: { name: error?.name, message: String(error?.message ?? error).split("\n")[0] } })}\n`);
}
