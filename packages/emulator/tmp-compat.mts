import { startEmulator, DEFAULT_TENANT_ID, DEFAULT_CLIENT_ID, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME, DEFAULT_PASSWORD, DEFAULT_FEDERATED_SUBJECT } from "@azid/emulator";
import { execFileSync } from "node:child_process";
import { writeFileSync, mkdtempSync } from "node:fs";
import { createSelfSignedCertificate } from "./src/tls/certificates.js";
const dir = mkdtempSync("/tmp/compat-");
const emu = await startEmulator({ dataDir: dir });
const cert = await createSelfSignedCertificate("compat");
writeFileSync(dir + "/client.pem", cert.keyPem + cert.certPem);
emu.config.tenants[0]!.apps[0]!.certificates!.push(cert.certPem);
writeFileSync(dir + "/fed", emu.federation.mint({ subject: DEFAULT_FEDERATED_SUBJECT }));
const script = `
const id = require("@azure/identity");
const o = { authorityHost: process.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };
(async () => {
  for (const [name, c] of [
    ["secret", new id.ClientSecretCredential(process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID, process.env.AZURE_CLIENT_SECRET, o)],
    ["cert", new id.ClientCertificateCredential(process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID, { certificatePath: "${dir}/client.pem" }, o)],
    ["workload", new id.WorkloadIdentityCredential({ tenantId: process.env.AZURE_TENANT_ID, clientId: process.env.AZURE_CLIENT_ID, tokenFilePath: "${dir}/fed", ...o })],
    ["ropc", new id.UsernamePasswordCredential(process.env.AZURE_TENANT_ID, "${DEFAULT_PUBLIC_CLIENT_ID}", "${DEFAULT_USERNAME}", "${DEFAULT_PASSWORD}", o)],
  ]) {
    for (const scope of ["https://storage.azure.com/.default", "https://vault.azure.net/.default"]) {
      try { const t = await c.getToken(scope, { enableCae: true }); console.log(name, scope, "ok", t.expiresOnTimestamp > Date.now(), t.refreshAfterTimestamp !== undefined); }
      catch (e) { console.log(name, scope, "FAIL", e.message.slice(0, 300)); }
    }
  }
})();`;
try {
  const out = execFileSync(process.execPath, ["-e", script], { env: { PATH: process.env.PATH!, ...emu.env() }, encoding: "utf8" });
  console.log(out);
} catch (e) { console.log((e as {stdout: string}).stdout, (e as {stderr: string}).stderr); }
console.log(emu.requests.map(r => `${r.method} ${r.path} ${r.status} ${r.route}`).join("\n"));
await emu.close();
