// A command-line tool that signs its user in with a device code: it prints a code, the user
// enters it on any device with a browser, and the tool gets tokens as that user.
// Configuration (environment):
//   AZURE_TENANT_ID   your tenant (default "organizations")
//   AZURE_CLIENT_ID   a public client app registration with "Allow public client flows" on
//                     (default: the Azure CLI's, as @azure/identity does)
//   AZURE_SCOPE       default https://management.azure.com/.default
import { DeviceCodeCredential, serializeAuthenticationRecord } from "@azid/identity";

const scope = process.env.AZURE_SCOPE ?? "https://management.azure.com/.default";
const credential = new DeviceCodeCredential({
  tenantId: process.env.AZURE_TENANT_ID,
  clientId: process.env.AZURE_CLIENT_ID,
  // The prompt goes to stderr so that stdout stays machine-readable.
  userPromptCallback: (info) => console.error(info.message),
});

// authenticate() signs in once and says who; getToken() afterwards is silent (the refresh token
// is kept in azid's cache for this process).
const record = await credential.authenticate(scope);
console.log(`signed in as ${record.username} (tenant ${record.tenantId})`);
const token = await credential.getToken(scope);
const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString("utf8"));
console.log(`token for audience ${claims.aud}, scopes ${claims.scp}`);
// To stay signed in across runs, keep this record and pass it back as `authenticationRecord`
// (with persistent caching: see samples/README.md, "stays signed in").
console.log(`authentication record: ${serializeAuthenticationRecord(record).length} characters, no secrets`);
