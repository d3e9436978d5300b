// Child process for dataTables.test.ts: @azure/data-tables with an azid credential, as a user's
// program would run it (the emulator's CA, which signed Azurite's certificate, is trusted through
// NODE_EXTRA_CA_CERTS, read at start-up). Prints one JSON line; never a token or a secret.
import { ClientSecretCredential } from "@azid/identity";
import { TableClient, TableServiceClient } from "@azure/data-tables";

const env = process.env;
const endpoint = env.AZID_TEST_TABLE_ENDPOINT;
const tableName = env.AZID_TEST_TABLE;
const common = { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };
const newCredential = () => new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common);

async function roundTrip() {
  // Two credential instances and two clients (two pipelines): azid's one cache serves both.
  await new TableServiceClient(endpoint, newCredential()).createTable(tableName);
  const table = new TableClient(endpoint, tableName, newCredential());
  const entity = { partitionKey: "azid", rowKey: "1", text: `azid table round trip \u00e4\u00f6\u00fc`, count: 42 };
  await table.createEntity(entity);
  await table.updateEntity({ partitionKey: "azid", rowKey: "1", count: 43 }, "Merge");
  const read = await table.getEntity("azid", "1");
  const rows = [];
  for await (const row of table.listEntities()) rows.push(row.rowKey);
  const tables = [];
  for await (const item of new TableServiceClient(endpoint, newCredential()).listTables()) tables.push(item.name);
  return { written: entity.text, read: { text: read.text, count: read.count }, rows, tables };
}

async function otherAudience() {
  // A genuine emulator token for Key Vault: Azurite must refuse it.
  const credential = newCredential();
  const vaultScoped = { getToken: () => credential.getToken("https://vault.azure.net/.default") };
  try {
    await new TableServiceClient(endpoint, vaultScoped).createTable(tableName);
    return {};
  } catch (error) {
    return { error: { name: error?.name, statusCode: error?.statusCode, code: error?.code } };
  }
}

const scenarios = { roundTrip, otherAudience };
process.stdout.write(`${JSON.stringify(await scenarios[process.argv[2]]())}\n`);
