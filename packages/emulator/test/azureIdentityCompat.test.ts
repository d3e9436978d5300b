// The real @azure/identity (msal-node) against the emulator, in a child process so that
// NODE_EXTRA_CA_CERTS from emu.env() takes effect. This is the reference client the wire
// format was captured from (protocols.md [CAP]); if it works here, the emulator speaks Entra.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { DEFAULT_FEDERATED_SUBJECT, DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID, DEFAULT_USERNAME } from "@azid/emulator";
import { createSelfSignedCertificate } from "../src/tls/certificates.js";
import { startTestEmulator, tempDir } from "./support/client.js";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

const SCRIPT = `
const identity = require("@azure/identity");
const [kind, certPath, tokenPath, username, password, publicClientId] = process.argv.slice(1);
const env = process.env;
const options = { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };
const credential = {
  secret: () => new identity.ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, options),
  certificate: () => new identity.ClientCertificateCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, { certificatePath: certPath }, options),
  workload: () => new identity.WorkloadIdentityCredential({ tenantId: env.AZURE_TENANT_ID, clientId: env.AZURE_CLIENT_ID, tokenFilePath: tokenPath, ...options }),
  password: () => new identity.UsernamePasswordCredential(env.AZURE_TENANT_ID, publicClientId, username, password, options),
}[kind]();
(async () => {
  const results = [];
  for (const scope of ["https://storage.azure.com/.default", "https://vault.azure.net/.default"]) {
    try {
      const token = await credential.getToken(scope, { enableCae: true });
      results.push({ scope, token: token.token });
    } catch (error) {
      results.push({ scope, error: error.message.split("\\n")[0] });
    }
  }
  process.stdout.write(JSON.stringify(results));
})();
`;

type Outcome = { scope: string; token?: string; error?: string }[];

describe("@azure/identity against the emulator", () => {
  let emu: Awaited<ReturnType<typeof startTestEmulator>>;
  let strict: Awaited<ReturnType<typeof startTestEmulator>>;
  const files = tempDir("compat");
  const certPath = join(files, "client.pem");
  const tokenFile = join(files, "federated-token");

  before(async () => {
    const [a, b, cert] = await Promise.all([
      startTestEmulator({ rejectReplayedAssertions: false }),
      startTestEmulator(),
      createSelfSignedCertificate("compat"),
    ]);
    [emu, strict] = [a, b];
    writeFileSync(certPath, cert.keyPem + cert.certPem);
    for (const e of [emu, strict]) e.config.tenants[0]!.apps[0]!.certificates!.push(cert.certPem);
    writeFileSync(tokenFile, `  ${emu.federation.mint({ subject: DEFAULT_FEDERATED_SUBJECT })}\n`);
  });
  after(async () => {
    await Promise.all([emu.stop(), strict.stop()]);
    rmSync(files, { recursive: true, force: true });
  });

  // Asynchronous on purpose: a synchronous spawn would block the emulator living in this process.
  const run = async (target: typeof emu, kind: string): Promise<Outcome> => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["-e", SCRIPT, kind, certPath, tokenFile, DEFAULT_USERNAME, DEFAULT_PASSWORD, DEFAULT_PUBLIC_CLIENT_ID],
      {
        cwd: repoRoot,
        env: { ...process.env, ...target.env() },
        encoding: "utf8",
      },
    );
    return JSON.parse(stdout) as Outcome;
  };

  for (const kind of ["secret", "certificate", "workload", "password"]) {
    it(`gets tokens for two resources with the ${kind} credential`, async () => {
      const outcome = await run(emu, kind);
      for (const result of outcome) {
        assert.equal(result.error, undefined, `${result.scope}: ${result.error}`);
        const payload = emu.decodeToken(result.token!).payload;
        assert.equal(payload.aud, result.scope.replace("/.default", ""));
        assert.deepEqual(payload.xms_cc, ["cp1"], "enableCae sends the cp1 capability");
      }
      const sent = emu.requests.filter((r) => r.route === "token").at(-1);
      assert.ok(sent?.query["client-request-id"], "MSAL adds client-request-id to the query");
    });
  }

  it("fails msal-node's reused certificate assertion when replays are rejected (the default)", async () => {
    const [first, second] = await run(strict, "certificate");
    assert.equal(first?.error, undefined);
    assert.match(second?.error ?? "", /AADSTS50012: .*already used/);
  });
});
