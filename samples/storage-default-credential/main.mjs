// Writes a blob with DefaultAzureCredential, reads it back, and prints what happened.
// Configuration (environment):
//   AZURE_STORAGE_BLOB_URL   https://<account>.blob.core.windows.net (required)
//   AZURE_STORAGE_CONTAINER  container to create or reuse (default "azid-sample")
//   plus whatever DefaultAzureCredential finds: AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET,
//   workload or managed identity, or your `az login`.
import { BlobServiceClient } from "@azure/storage-blob";
import { DefaultAzureCredential } from "@azid/identity";

const url = process.env.AZURE_STORAGE_BLOB_URL;
if (!url) {
  console.error("Set AZURE_STORAGE_BLOB_URL to your storage account's blob endpoint, e.g. https://myaccount.blob.core.windows.net");
  process.exit(2);
}

const credential = new DefaultAzureCredential();
const service = new BlobServiceClient(url, credential);
const container = service.getContainerClient(process.env.AZURE_STORAGE_CONTAINER ?? "azid-sample");
await container.createIfNotExists();

const name = `hello-${new Date().toISOString().replace(/[:.]/g, "-")}.txt`;
const text = "Hello from azid: written with a token from DefaultAzureCredential.";
await container.getBlockBlobClient(name).upload(text, Buffer.byteLength(text));

const readBack = (await container.getBlobClient(name).downloadToBuffer()).toString("utf8");
console.log(`wrote blob ${container.containerName}/${name} (${Buffer.byteLength(text)} bytes)`);
console.log(`read back: ${readBack === text ? "the same text" : "DIFFERENT text"}`);
process.exit(readBack === text ? 0 : 1);
