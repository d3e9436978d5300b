// Gets a token with the managed identity of the Azure resource this runs on (VM, App Service,
// Functions, Container Apps, AKS, Arc, ...), and prints what the token says (never the token).
// Configuration (environment):
//   AZURE_CLIENT_ID   client id of a user-assigned identity (optional; default: system-assigned)
//   AZURE_SCOPE       default https://vault.azure.net/.default
// The host is detected from the environment Azure sets (IDENTITY_ENDPOINT, MSI_ENDPOINT, ...;
// none of them means IMDS).
import { ManagedIdentityCredential } from "@azid/identity";

const clientId = process.env.AZURE_CLIENT_ID;
const scope = process.env.AZURE_SCOPE ?? "https://vault.azure.net/.default";
const credential = clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();

const token = await credential.getToken(scope);
const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString("utf8"));
console.log(`token for audience ${claims.aud}`);
console.log(`${clientId ? "user-assigned" : "system-assigned"} identity ${claims.appid}, resource ${claims.xms_mirid ?? "(not in token)"}`);
console.log(`expires ${new Date(token.expiresOnTimestamp).toISOString()}`);
