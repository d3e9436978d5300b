// Child process for fidelity.test.ts: Microsoft's @azure/identity ManagedIdentityCredential, with the
// host chosen by the environment the parent sets. Prints one JSON line (test tokens from the emulator).
import { ManagedIdentityCredential } from "@azure/identity";

const clientId = process.env.AZID_TEST_MI_CLIENT_ID;
try {
  const credential = clientId ? new ManagedIdentityCredential(clientId) : new ManagedIdentityCredential();
  const token = await credential.getToken(process.env.AZID_TEST_SCOPE);
  process.stdout.write(`${JSON.stringify({ token: token.token, expiresOnTimestamp: token.expiresOnTimestamp })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: { name: error?.name, message: String(error?.message ?? error) } })}\n`);
}
