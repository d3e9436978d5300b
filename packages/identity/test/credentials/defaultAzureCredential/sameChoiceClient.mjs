// Child process for sameChoiceAsAzureIdentity.test.ts: DefaultAzureCredential from @azure/identity
// 4.13.1 or azid (argv[2] = "azure" | "azid", argv[3] = JSON options), one token, and the identity in it.
const [lib, options] = process.argv.slice(2);
const id = lib === "azure" ? await import("@azure/identity") : await import("@azid/identity");
const credential = new id.DefaultAzureCredential(JSON.parse(options ?? "{}"));
const token = await credential.getToken("https://storage.azure.com/.default");
const { upn, oid, tid, appid } = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());
process.stdout.write(`${JSON.stringify({ upn, oid, tid, appid })}\n`);
