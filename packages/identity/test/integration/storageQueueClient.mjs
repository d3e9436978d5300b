// Child process for storageQueue.test.ts: @azure/storage-queue with an azid credential, as a user's
// program would run it (the emulator's CA, which signed Azurite's certificate, is trusted through
// NODE_EXTRA_CA_CERTS, read at start-up). Prints one JSON line; never a token or a secret.
import { ClientSecretCredential } from "@azid/identity";
import { QueueClient, QueueServiceClient } from "@azure/storage-queue";

const env = process.env;
const endpoint = env.AZID_TEST_QUEUE_ENDPOINT;
const queueName = env.AZID_TEST_QUEUE;
const common = { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };
const newCredential = () => new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common);

async function roundTrip() {
  // Two credential instances and two clients (two pipelines): azid's one cache serves both.
  await new QueueServiceClient(endpoint, newCredential()).getQueueClient(queueName).create();
  const queue = new QueueClient(`${endpoint}/${queueName}`, newCredential());
  const text = `azid queue round trip ${queueName} \u00e4\u00f6\u00fc`;
  await queue.sendMessage(text);
  const received = await queue.receiveMessages({ numberOfMessages: 1 });
  const message = received.receivedMessageItems[0];
  await queue.deleteMessage(message.messageId, message.popReceipt);
  const left = await queue.peekMessages();
  const names = [];
  for await (const item of new QueueServiceClient(endpoint, newCredential()).listQueues()) names.push(item.name);
  return { sent: text, received: message.messageText, leftAfterDelete: left.peekedMessageItems.length, names };
}

async function otherAudience() {
  // A genuine emulator token for Key Vault: Azurite must refuse it.
  const credential = newCredential();
  const vaultScoped = { getToken: () => credential.getToken("https://vault.azure.net/.default") };
  try {
    await new QueueServiceClient(endpoint, vaultScoped).getQueueClient(queueName).create();
    return {};
  } catch (error) {
    return { error: { name: error?.name, statusCode: error?.statusCode, code: error?.code } };
  }
}

const scenarios = { roundTrip, otherAudience };
process.stdout.write(`${JSON.stringify(await scenarios[process.argv[2]]())}\n`);
