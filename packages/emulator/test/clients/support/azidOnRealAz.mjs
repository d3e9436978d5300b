// Child process for azureCli.test.ts, run inside the loopback-only namespace: azid's
// AzureCliCredential or DefaultAzureCredential, with the real `az` first on PATH. Prints one JSON
// line (a test token from the local emulator, never a secret).
import { AzureCliCredential, DefaultAzureCredential } from "@azid/identity";

const scope = process.env.AZID_TEST_SCOPE;
const credential = process.argv[2] === "default" ? new DefaultAzureCredential() : new AzureCliCredential();
try {
  const token = await credential.getToken(scope);
  process.stdout.write(`${JSON.stringify({ token: token.token, expiresOnTimestamp: token.expiresOnTimestamp })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: { name: error?.name, message: String(error?.message ?? error) } })}\n`);
}
