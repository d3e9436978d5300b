// Tracing through @azure/core-tracing's registered instrumenter, as @azure/identity traces: first an
// application's own Instrumenter registered with useInstrumenter (no OpenTelemetry at all, so the spans
// can only have come through the instrumenter), then @azure/opentelemetry-instrumentation-azure-sdk's
// OpenTelemetryInstrumenter, registered by that package's own patch of @azure/core-tracing, into the
// real OpenTelemetry SDK with an in-memory exporter. Credentials get tokens from the emulator over HTTPS.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, beforeEach, describe, it } from "node:test";
import * as coreTracing from "@azure/core-tracing";
import type { Instrumenter, TracingContext, TracingSpan } from "@azure/core-tracing";
import { createAzureSdkInstrumentation } from "@azure/opentelemetry-instrumentation-azure-sdk";
import { context, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AuthenticationError, ChainedTokenCredential, ClientSecretCredential } from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { connectAzureTracing } from "../../src/core/azureTracingBridge.js";
import { isTracingEnabled } from "../../src/core/tracing.js";
import { useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();

interface Recorded {
  name: string;
  packageName: string;
  parent: string | undefined;
  attributes: Record<string, unknown>;
  status?: string;
  exception?: unknown;
  ended: boolean;
}

/** An application's own instrumenter: records every span it is asked for. */
function recordingInstrumenter(spans: Recorded[]): Instrumenter {
  const SPAN_NAME = Symbol("span name");
  const contextWith = (parent: TracingContext | undefined, values: Map<symbol, unknown>): TracingContext => ({
    getValue: (key) => (values.has(key as symbol) ? values.get(key as symbol) : parent?.getValue(key)),
    setValue: (key, value) => contextWith(undefined, new Map([...values, [key as symbol, value]])),
    deleteValue: (key) => contextWith(undefined, new Map([...values].filter(([k]) => k !== key))),
  });
  return {
    startSpan(name, options) {
      const record: Recorded = {
        name,
        packageName: options.packageName,
        parent: options.tracingContext?.getValue(SPAN_NAME) as string | undefined,
        attributes: { ...options.spanAttributes },
        ended: false,
      };
      spans.push(record);
      const span: TracingSpan = {
        setStatus: (status) => {
          record.status = status.status;
          if (status.status === "error") record.exception = status.error;
        },
        setAttribute: (key, value) => void (record.attributes[key] = value),
        end: () => void (record.ended = true),
        recordException: (exception) => void (record.exception = exception),
        isRecording: () => true,
      };
      return { span, tracingContext: contextWith(options.tracingContext, new Map([[SPAN_NAME, name]])) };
    },
    withContext: (_context, callback, ...args) => callback(...args),
    parseTraceparentHeader: () => contextWith(undefined, new Map()),
    createRequestHeaders: () => ({}),
  };
}

describe("tracing through @azure/core-tracing's registered instrumenter", () => {
  beforeEach(() => tokenCache.clear());
  after(() => {
    coreTracing.useInstrumenter(undefined as unknown as Instrumenter); // back to core-tracing's no-op default
    trace.disable();
    context.disable();
  });

  it("with @azure/core-tracing loaded but no instrumenter (and no tracer provider) there is no span work", () => {
    new ClientSecretCredential(env.tenantId, "client", "secret", env.options); // the first credential looks for core-tracing
    assert.equal(connectAzureTracing(), true, "@azure/core-tracing (imported above) is found in require.cache");
    assert.equal(isTracingEnabled(), false);
  });

  it("an instrumenter registered on a core-tracing the application loaded after building the credential gets the first getToken's span", async () => {
    // A process of its own: here core-tracing is imported before any credential exists.
    const index = fileURLToPath(new URL("../../src/index.ts", import.meta.url));
    const script = `
      const { ClientSecretCredential } = await import(${JSON.stringify(index)});
      const e = process.env;
      const credential = new ClientSecretCredential(e.AZURE_TENANT_ID, e.AZURE_CLIENT_ID, e.AZURE_CLIENT_SECRET, { authorityHost: e.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
      const coreTracing = await import("@azure/core-tracing");
      const spans = [];
      const context = { getValue: () => undefined, setValue: () => context, deleteValue: () => context };
      const span = { setStatus() {}, setAttribute() {}, end() {}, recordException() {}, isRecording: () => true };
      coreTracing.useInstrumenter({
        startSpan: (name, options) => (spans.push([name, options.packageName]), { span, tracingContext: context }),
        withContext: (_context, callback, ...args) => callback(...args),
        parseTraceparentHeader: () => undefined,
        createRequestHeaders: () => ({}),
      });
      await credential.getToken("${STORAGE}");
      console.log(JSON.stringify(spans));`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { env: env.childEnv(env.addApp()) });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()!), [["ClientSecretCredential.getToken", "@azid/identity"]]);
  });

  it("an application's instrumenter gets one span per getToken (cache hits too), nested under a chain, success and error statuses, no secret", async () => {
    const spans: Recorded[] = [];
    coreTracing.useInstrumenter(recordingInstrumenter(spans));
    assert.equal(isTracingEnabled(), true, "registering after the credential was built still counts");
    const { clientId, secret } = env.addApp();
    const chain = new ChainedTokenCredential(new ClientSecretCredential(env.tenantId, clientId, secret, env.options));
    await chain.getToken(STORAGE);
    await chain.getToken(STORAGE);
    assert.deepEqual(
      spans.map((s) => [s.name, s.parent, s.status, s.ended, s.packageName, s.attributes["az.namespace"]]),
      [
        ["ChainedTokenCredential.getToken", undefined, "success", true, "@azid/identity", "Microsoft.AAD"],
        ["ClientSecretCredential.getToken", "ChainedTokenCredential.getToken", "success", true, "@azid/identity", "Microsoft.AAD"],
        ["ChainedTokenCredential.getToken", undefined, "success", true, "@azid/identity", "Microsoft.AAD"],
        ["ClientSecretCredential.getToken", "ChainedTokenCredential.getToken", "success", true, "@azid/identity", "Microsoft.AAD"],
      ],
    );

    spans.length = 0;
    const wrong = "wrong~Secret.Value_987";
    const error = await new ClientSecretCredential(env.tenantId, clientId, wrong, env.options).getToken(STORAGE).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError);
    assert.equal(spans.length, 1);
    assert.equal(spans[0]!.status, "error");
    assert.equal(spans[0]!.exception, error);
    assert.ok(!JSON.stringify(spans).includes(wrong) && !JSON.stringify(spans).includes("storage.azure.com"));
  });

  it("@azure/opentelemetry-instrumentation-azure-sdk's instrumenter puts the spans in the OpenTelemetry SDK's exporter", async () => {
    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
    // The package registers its instrumenter by patching @azure/core-tracing when an app loads it; run that patch on ours.
    const instrumentation = createAzureSdkInstrumentation({ enabled: false }) as unknown as {
      getModuleDefinitions(): Array<{ patch?: (exports: unknown, version?: string) => unknown }>;
    };
    instrumentation.getModuleDefinitions()[0]!.patch!({ ...coreTracing }, "1.3.1");
    const { clientId, secret } = env.addApp();
    await new ClientSecretCredential(env.tenantId, clientId, secret, env.options).getToken(STORAGE);
    const [span, ...rest] = exporter.getFinishedSpans();
    assert.equal(rest.length, 0);
    assert.ok(span);
    assert.equal(span.name, "ClientSecretCredential.getToken");
    assert.equal(span.attributes["az.namespace"], "Microsoft.AAD");
    assert.equal(
      span.instrumentationLibrary?.name ?? (span as unknown as { instrumentationScope: { name: string } }).instrumentationScope.name,
      "@azid/identity",
    );
  });
});
