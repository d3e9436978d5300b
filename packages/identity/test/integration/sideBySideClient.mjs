// Child process for sideBySide.test.ts: runs one scenario through @azure/identity 4.13.1 or azid
// (argv[2] = "azure" | "azid", argv[3] = scenario) against the emulator, and prints one JSON line
// describing what happened, in terms both libraries share. Both libraries run the same code here.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const [lib, scenario] = process.argv.slice(2);
const env = process.env;
const scope = "https://storage.azure.com/.default";
const options = { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true };
const id = lib === "azure" ? await import("@azure/identity") : await import("@azid/identity");
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const claims = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
const describeError = (error) => ({ name: error?.name, statusCode: error?.statusCode, oauthError: error?.errorResponse?.error });

async function run() {
  if (scenario === "secret") {
    const credential = new id.ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, options);
    const token = await credential.getToken(scope);
    const { aud, appid, tid, iss } = claims(token.token);
    return { tokenType: token.tokenType, aud, appid, tid, iss, expiresInMin: Math.round((token.expiresOnTimestamp - Date.now()) / 60_000) };
  }
  if (scenario === "wrong-secret") {
    const credential = new id.ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, "wrong~secret", options);
    return credential.getToken(scope).then(
      () => ({ error: null }),
      (error) => ({ error: describeError(error) }),
    );
  }
  if (scenario === "chain-unavailable") {
    // Every member unavailable: both aggregate the reasons in one AggregateAuthenticationError.
    const chain = new id.ChainedTokenCredential(
      new id.EnvironmentCredential(),
      new id.ManagedIdentityCredential({ clientId: "00000000-0000-0000-0000-000000000001" }),
    );
    return chain.getToken(scope, { requestOptions: { timeout: 3_000 } }).then(
      () => ({ error: null }),
      (error) => ({ error: { name: error?.name, members: (error?.errors ?? []).map((e) => e.name) } }),
    );
  }
  if (scenario === "broker") {
    try {
      new id.InteractiveBrowserCredential({ brokerOptions: { enabled: true } });
      return { constructed: true };
    } catch (error) {
      return { constructed: false, isError: error instanceof Error };
    }
  }
  if (scenario === "pop") {
    // proofOfPossessionOptions on a credential that cannot get a PoP token.
    const credential = new id.ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, options);
    const pop = { nonce: "nonce-1", resourceRequestMethod: "GET", resourceRequestUrl: "https://storage.example/r" };
    return credential.getToken(scope, { proofOfPossessionOptions: pop }).then(
      (token) => ({ tokenType: token.tokenType }),
      (error) => ({ error: error?.name, mentionsOption: /proofOfPossessionOptions/.test(String(error?.message)) }),
    );
  }
  if (scenario === "logging") {
    // How every Azure SDK user turns logs on: @azure/logger's setLogLevel and AzureLogger.log.
    const { AzureLogger, setLogLevel } = await import("@azure/logger");
    const lines = [];
    AzureLogger.log = (...args) => lines.push(args.map(String).join(" "));
    setLogLevel("info");
    const credential = new id.ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, options);
    await credential.getToken(scope);
    const success = () => lines.some((l) => /^azure:identity:info ClientSecretCredential => getToken\(\) => SUCCESS/.test(l));
    await heldLinesDelivered(success);
    return { successLine: success() };
  }
  if (scenario === "tracing") {
    // OpenTelemetry as an Azure SDK user sets it up: a tracer provider, and core-tracing's OpenTelemetry instrumenter.
    const { trace } = await import("@opentelemetry/api");
    const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    const instrumentationDir = dirname(require.resolve("@azure/opentelemetry-instrumentation-azure-sdk"));
    const { OpenTelemetryInstrumenter } = require(join(instrumentationDir, "instrumenter.js"));
    require("@azure/core-tracing").useInstrumenter(new OpenTelemetryInstrumenter());
    const good = new id.ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, options);
    const bad = new id.ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, "wrong~secret", options);
    await good.getToken(scope);
    await bad.getToken(scope).catch(() => undefined);
    // GetTokenOptions.tracingOptions: the caller's span (in the context it passes) is the getToken span's parent.
    const { context } = await import("@opentelemetry/api");
    const caller = trace.getTracer("side-by-side").startSpan("caller");
    await good.getToken("https://vault.azure.net/.default", { tracingOptions: { tracingContext: trace.setSpan(context.active(), caller) } });
    caller.end();
    const callerId = caller.spanContext().spanId;
    return {
      spans: exporter
        .getFinishedSpans()
        .filter((s) => s.name.endsWith(".getToken"))
        .map((s) => ({
          name: s.name,
          kind: s.kind,
          status: s.status.code,
          namespace: s.attributes["az.namespace"],
          exception: s.events.some((e) => e.name === "exception"),
          childOfCaller: (s.parentSpanContext?.spanId ?? s.parentSpanId) === callerId,
        })),
    };
  }
  if (scenario === "regional") return regional();
  if (scenario.startsWith("account:")) return accountLogging(scenario.slice("account:".length));
  throw new Error(`unknown scenario ${scenario}`);
}

/** A credential of `kind` with both loggingOptions on, configured from the environment the test gave this process. */
async function accountCredential(kind, loggingOptions) {
  const o = { ...options, loggingOptions };
  const { AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: client } = env;
  switch (kind) {
    case "OnBehalfOfCredential": {
      // The web API's caller: a user token for the API (ROPC through the same library), exchanged on the user's behalf.
      const caller = new id.UsernamePasswordCredential(tenant, env.SIDE_PUBLIC_CLIENT_ID, env.AZURE_USERNAME, env.AZURE_PASSWORD, options);
      const userAssertionToken = (await caller.getToken(`api://${client}/.default`)).token;
      extraSecrets.push(userAssertionToken);
      return new id.OnBehalfOfCredential({ ...o, tenantId: tenant, clientId: client, clientSecret: env.AZURE_CLIENT_SECRET, userAssertionToken });
    }
    case "AzurePipelinesCredential":
      extraSecrets.push(env.SIDE_SYSTEM_ACCESS_TOKEN);
      return new id.AzurePipelinesCredential(tenant, client, env.SIDE_SERVICE_CONNECTION_ID, env.SIDE_SYSTEM_ACCESS_TOKEN, o);
    case "AuthorizationCodeCredential": {
      // The web app's sign-in: the user signs in on the emulator's page and the redirect carries the code.
      const redirectUri = "http://localhost:8400/callback";
      const authorize = new URL(`${env.AZURE_AUTHORITY_HOST}/${tenant}/oauth2/v2.0/authorize`);
      for (const [k, v] of Object.entries({
        client_id: client,
        response_type: "code",
        redirect_uri: redirectUri,
        scope: `${scope} offline_access openid profile`,
      }))
        authorize.searchParams.set(k, v);
      const code = new URL(await signInOnPage(authorize.toString())).searchParams.get("code");
      extraSecrets.push(code);
      return new id.AuthorizationCodeCredential(tenant, client, env.AZURE_CLIENT_SECRET, code, redirectUri, o);
    }
    case "InteractiveBrowserCredential":
      // azid only (see the test): its browserOpener plays the browser on the emulator's sign-in page.
      return new id.InteractiveBrowserCredential({
        ...o,
        tenantId: tenant,
        clientId: env.SIDE_PUBLIC_CLIENT_ID,
        browserOpener: async (url) => void fetch(await signInOnPage(url)).catch(() => undefined),
      });
    case "SharedTokenCacheCredential":
      // The MSAL cache a developer tool left in this HOME (written by the test through the emulator).
      return new id.SharedTokenCacheCredential(o);
    case "DeviceCodeCredential":
      // The test process plays the user: it approves the code this line announces.
      return new id.DeviceCodeCredential({
        ...o,
        tenantId: tenant,
        clientId: env.SIDE_PUBLIC_CLIENT_ID,
        userPromptCallback: (info) => process.stdout.write(`devicecode:${info.userCode}\n`),
      });
    case "ClientSecretCredential":
      return new id.ClientSecretCredential(tenant, client, env.AZURE_CLIENT_SECRET, o);
    case "ClientCertificateCredential":
      return new id.ClientCertificateCredential(tenant, client, env.AZURE_CLIENT_CERTIFICATE_PATH, o);
    case "ClientAssertionCredential":
      return new id.ClientAssertionCredential(tenant, client, async () => signedAssertion(tenant, client), o);
    case "UsernamePasswordCredential":
      return new id.UsernamePasswordCredential(tenant, env.SIDE_PUBLIC_CLIENT_ID, env.AZURE_USERNAME, env.AZURE_PASSWORD, o);
    case "ManagedIdentityCredential":
      return new id.ManagedIdentityCredential({ loggingOptions });
    case "WorkloadIdentityCredential":
      return new id.WorkloadIdentityCredential(o);
    case "EnvironmentCredential":
      return new id.EnvironmentCredential(o);
    case "DefaultAzureCredential":
      return new id.DefaultAzureCredential(o);
    case "ChainedTokenCredential":
      return new id.ChainedTokenCredential(new id.ClientSecretCredential(tenant, client, env.AZURE_CLIENT_SECRET, o));
  }
  throw new Error(`unknown credential ${kind}`);
}

/** A user on the emulator's sign-in page: fills in the form, signs in, and returns where the page redirects (the redirect URI with the code). */
async function signInOnPage(authorizeUrl) {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  const attr = (tag, name) =>
    tag
      .match(new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, "i"))?.[1]
      ?.replace(/&amp;/g, "&")
      .replace(/&quot;/g, '"');
  const formTag = html.match(/<form[^>]*>/i)?.[0];
  if (formTag === undefined) throw new Error(`the sign-in page answered ${page.status} without a form: ${html.slice(0, 300)}`);
  const fields = new URLSearchParams();
  for (const input of html.match(/<input[^>]*>/gi) ?? []) {
    const name = attr(input, "name");
    if (name !== undefined && !/type\s*=\s*"(submit|button)"/i.test(input)) fields.set(name, attr(input, "value") ?? "");
  }
  fields.set("username", env.AZURE_USERNAME);
  fields.set("password", env.AZURE_PASSWORD);
  const button = (html.match(/<(button|input)[^>]*>/gi) ?? []).find((tag) => attr(tag, "id") === "sign-in");
  if (button !== undefined && attr(button, "name") !== undefined) fields.set(attr(button, "name"), attr(button, "value") ?? "");
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const posted = await fetch(new URL(attr(formTag, "action") ?? authorizeUrl, authorizeUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie },
    body: fields.toString(),
  });
  const location = posted.headers.get("location");
  if (posted.status !== 302 || location === null) throw new Error(`sign-in page answered ${posted.status}`);
  return location;
}

/** A client assertion an application signs itself (the fixture certificate's key, RS256, x5t). */
async function signedAssertion(tenant, client) {
  const { createHash, createPrivateKey, createSign, randomUUID, X509Certificate } = await import("node:crypto");
  const { readFileSync } = await import("node:fs");
  const pem = readFileSync(env.AZURE_CLIENT_CERTIFICATE_PATH, "utf8");
  const encode = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const x5t = createHash("sha1").update(new X509Certificate(pem).raw).digest("base64url");
  const header = encode({ alg: "RS256", typ: "JWT", x5t });
  const payload = encode({
    aud: `${env.AZURE_AUTHORITY_HOST}/${tenant}/oauth2/v2.0/token`,
    iss: client,
    sub: client,
    jti: randomUUID(),
    nbf: now,
    exp: now + 600,
  });
  return `${header}.${payload}.${createSign("RSA-SHA256").update(`${header}.${payload}`).sign(createPrivateKey(pem)).toString("base64url")}`;
}

/**
 * azid loads @azure/logger once a getToken has settled (off the first token's path) and then hands it
 * the identity lines held until then, in order: wait for the line the scenario looks for (at most 5 s;
 * the held lines arrive together). @azure/identity's lines are there at once.
 */
async function heldLinesDelivered(arrived) {
  if (lib !== "azid") return;
  for (const started = Date.now(); !arrived() && Date.now() - started < 5000;) await new Promise((r) => setTimeout(r, 10));
}

/** Secrets a scenario made besides the token (a user assertion, a system access token): never in a log line either. */
const extraSecrets = [];

/**
 * loggingOptions.allowLoggingAccountIdentifiers and enableUnsafeSupportLogging through @azure/logger: the
 * [Authenticated account] lines (from the marker on, so the credential-name prefix azid adds doesn't
 * count), and whether any line held the token or a secret.
 */
async function accountLogging(kind) {
  // @azure/identity would open the system browser (the `open` package, no hook to drive it) and wait for ever.
  if (lib === "azure" && kind === "InteractiveBrowserCredential") return { notRun: "@azure/identity opens the system browser" };
  const { AzureLogger, setLogLevel } = await import("@azure/logger");
  const lines = [];
  AzureLogger.log = (...args) => lines.push(args.map(String).join(" "));
  setLogLevel("verbose");
  const credential = await accountCredential(kind, { allowLoggingAccountIdentifiers: true, enableUnsafeSupportLogging: true });
  const token = await credential.getToken(scope);
  const marker = "[Authenticated account]";
  await heldLinesDelivered(() => lines.some((l) => l.includes(marker)));
  const secrets = [token.token, env.AZURE_CLIENT_SECRET, env.AZURE_PASSWORD, ...extraSecrets].filter((s) => typeof s === "string" && s.length > 0);
  // The same request again (a cache hit in both libraries): is the account logged on each acquisition?
  const afterFirst = lines.filter((l) => l.includes(marker)).length;
  await credential.getToken(scope);
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    accountLinesPerCall: [afterFirst, lines.filter((l) => l.includes(marker)).length - afterFirst],
    accounts: [...new Set(lines.filter((l) => l.includes(marker)).map((l) => l.slice(l.indexOf(marker))))],
    leaked: lines.some((l) => secrets.some((secret) => l.includes(secret))),
  };
}

/**
 * AZURE_REGIONAL_AUTHORITY_NAME with the public cloud's authority: the library's own httpClient option (each
 * library's shape) sends Microsoft's token hosts to the emulator's loopback port under their own names
 * (Host and TLS SNI; the emulator, started with entraHostNames, has a certificate for them). Which host
 * and region each token request reached is read from the emulator's log by the test.
 */
async function regional() {
  const { request } = await import("node:https");
  const port = Number(new URL(env.AZURE_AUTHORITY_HOST).port);
  const viaEmulator = (method, url, headers, body, timeout) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      if (!/(^|\.)login\.microsoft(online)?\.com$/.test(target.hostname)) throw new Error(`unexpected host ${target.hostname}`);
      const req = request(
        {
          host: "127.0.0.1",
          port,
          servername: target.hostname,
          method,
          path: target.pathname + target.search,
          headers: { ...headers, host: target.host },
          timeout,
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (chunk) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on("error", reject).on("timeout", () => req.destroy(new Error("timeout")));
      req.end(body);
    });
  let httpClient;
  if (lib === "azure") {
    const { createHttpHeaders } = await import("@azure/core-rest-pipeline");
    httpClient = {
      async sendRequest(req) {
        const r = await viaEmulator(req.method, req.url, req.headers.toJSON(), typeof req.body === "string" ? req.body : undefined, req.timeout || 10_000);
        return { request: req, status: r.status, headers: createHttpHeaders(r.headers), bodyAsText: r.text };
      },
    };
  } else {
    httpClient = {
      async sendRequest(req) {
        const r = await viaEmulator(req.method, req.url, req.headers, req.body, req.timeoutMs);
        return { status: r.status, headers: r.headers, bodyText: r.text };
      },
    };
  }
  const credential = new id.ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, {
    authorityHost: "https://login.microsoftonline.com",
    disableInstanceDiscovery: true,
    httpClient,
  });
  const token = await credential.getToken(scope);
  return { tokenType: token.tokenType, appid: claims(token.token).appid };
}

try {
  print(await run());
} catch (error) {
  print({ thrown: describeError(error), message: String(error?.message ?? error) });
}
