// Azure SDK logging: @azure/logger (the real package, as an application installs it) turns azid's
// identity lines on with its own setLogLevel; `debug` is an alias of `verbose`;
// allowLoggingAccountIdentifiers and enableUnsafeSupportLogging log what @azure/identity's do, never a token.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { beforeEach, describe, it } from "node:test";
import { AzureLogger as AzureSdkLogger, setLogLevel as setAzureSdkLogLevel } from "@azure/logger";
import { ClientSecretCredential, getLogLevel, logger, setLogLevel } from "../../src/index.js";
import { connectAzureLogger } from "../../src/core/azureLoggerBridge.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { captureLogs, decodeJwt, useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();

describe("logging", () => {
  beforeEach(() => tokenCache.clear());

  // First in this file on purpose: no credential has been built yet, so azid has not loaded @azure/logger.
  it("identity lines logged before azid loads @azure/logger (construction, the first getToken) reach it once that getToken settled, in order, as its level says", async () => {
    const lines: string[] = [];
    const previous = AzureSdkLogger.log;
    AzureSdkLogger.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
    setAzureSdkLogLevel("info");
    try {
      const { clientId, secret } = env.addApp();
      const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
      logger.info("first, before any token");
      logger.verbose("below @azure/logger's level, so never shown");
      const token = await credential.getToken(STORAGE);
      // azid loads @azure/logger after the getToken settled, then hands over what it held.
      for (const started = Date.now(); !lines.some((l) => l.includes("getToken() => SUCCESS")) && Date.now() - started < 5000;) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      logger.info("last, after @azure/logger was connected");
      assert.deepEqual(
        lines.map((l) => l.replace(/Scopes: .*/, "Scopes: ...")),
        [
          "azure:identity:info first, before any token",
          "azure:identity:info ClientSecretCredential => getToken() => SUCCESS. Scopes: ...",
          "azure:identity:info last, after @azure/logger was connected",
        ],
      );
      assert.ok(!lines.some((l) => l.includes(token.token) || l.includes(secret)));
    } finally {
      AzureSdkLogger.log = previous;
      setAzureSdkLogLevel(undefined);
    }
  });

  it("@azure/logger's setLogLevel('info') shows azid's identity lines through its AzureLogger.log, scrubbed", async () => {
    const { clientId, secret } = env.addApp();
    assert.equal(getLogLevel(), undefined, "azid's own logging is off");
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    assert.equal(await connectAzureLogger(), true, "@azure/logger found");
    const lines: string[] = [];
    const previous = AzureSdkLogger.log;
    AzureSdkLogger.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
    setAzureSdkLogLevel("info");
    try {
      const token = await credential.getToken(STORAGE);
      assert.ok(
        lines.some((l) => /^azure:identity:info ClientSecretCredential => getToken\(\) => SUCCESS/.test(l)),
        lines.join("\n"),
      );
      assert.ok(!lines.some((l) => l.includes(token.token) || l.includes(secret)));
      setAzureSdkLogLevel("error");
      lines.length = 0;
      tokenCache.clear();
      await credential.getToken(STORAGE);
      assert.deepEqual(lines, [], "info lines are off at error level");
    } finally {
      AzureSdkLogger.log = previous;
      setAzureSdkLogLevel(undefined);
    }
  });

  it("without @azure/logger installed, AZURE_LOG_LEVEL=info writes azid's identity lines to stderr through its own logger, the first getToken's included", async () => {
    // A child process in which the package cannot be resolved (a module resolve hook refuses it), as in an application that never installed it.
    const refuse = `export async function resolve(specifier, context, next) {
      if (specifier === "@azure/logger" || specifier.startsWith("@azure/logger/")) throw Object.assign(new Error("Cannot find package '@azure/logger'"), { code: "ERR_MODULE_NOT_FOUND" });
      return next(specifier, context);
    }`;
    const hooks = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(refuse)}`)});`;
    const index = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
    const script = `
      let found = true;
      try { await import("@azure/logger"); } catch { found = false; }
      const { ClientSecretCredential } = await import(${JSON.stringify(index)});
      const credential = new ClientSecretCredential(process.env.AZURE_TENANT_ID, process.env.AZURE_CLIENT_ID, process.env.AZURE_CLIENT_SECRET, { authorityHost: process.env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
      await credential.getToken(${JSON.stringify(STORAGE)});
      await credential.close();
      console.log(JSON.stringify({ found }));`;
    const app = env.addApp();
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        ["--import", `data:text/javascript,${encodeURIComponent(hooks)}`, "--input-type=module", "-e", script],
        { env: { ...env.childEnv(app), AZURE_LOG_LEVEL: "info" }, encoding: "utf8", timeout: 60_000 },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out, stderr: err })),
      ),
    );
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").at(-1)!), { found: false }, "@azure/logger was resolvable in the child");
    const lines = stderr.split("\n").filter((l) => l.startsWith("azure:identity:"));
    assert.ok(
      lines.some((l) => /^azure:identity:info ClientSecretCredential => getToken\(\) => SUCCESS\. Scopes: /.test(l)),
      `no getToken() => SUCCESS line on stderr:\n${stderr}`,
    );
    assert.ok(!stderr.includes(app.secret), "the secret reached stderr");
  });

  it("debug is an alias of verbose, in setLogLevel and in AZURE_LOG_LEVEL", () => {
    const previous = getLogLevel();
    setLogLevel("debug");
    assert.equal(getLogLevel(), "verbose");
    setLogLevel(previous);
    const logger = fileURLToPath(new URL("../../src/core/logger.ts", import.meta.url));
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", `const m = await import(${JSON.stringify(logger)}); console.log(m.getLogLevel());`],
      {
        env: { ...process.env, AZURE_LOG_LEVEL: "debug" },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    assert.equal(out.trim(), "verbose");
  });

  it("allowLoggingAccountIdentifiers logs @azure/identity's [Authenticated account] line; enableUnsafeSupportLogging adds support detail; never the token", async () => {
    const { clientId, secret } = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, {
      ...env.options,
      loggingOptions: { allowLoggingAccountIdentifiers: true, enableUnsafeSupportLogging: true },
    });
    const { lines, result } = await captureLogs(() => credential.getToken(STORAGE));
    const { payload } = decodeJwt(result!.token);
    const account = lines.find((l) => l.includes("[Authenticated account]"));
    assert.equal(
      account,
      `azure:identity:info ClientSecretCredential => [Authenticated account] Client ID: ${clientId}. Tenant ID: ${env.tenantId}. User Principal Name: No User Principal Name available. Object ID (user): ${String(payload.oid)}`,
    );
    const support = lines.find((l) => l.includes("[Support]"));
    assert.match(support ?? "", /token issuer: https:\/\/sts\.windows\.net\/.+, audience: https:\/\/storage\.azure\.com, permissions: .*, expires: \d{4}-/);
    for (const line of lines) assert.ok(!line.includes(result!.token) && !line.includes(secret));
    // Without the options: neither line.
    tokenCache.clear();
    const plain = await captureLogs(() => new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE));
    assert.ok(!plain.lines.some((l) => l.includes("[Authenticated account]") || l.includes("[Support]")));
  });
});
