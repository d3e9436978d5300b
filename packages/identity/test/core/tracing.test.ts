// Tracing with the real OpenTelemetry SDK: a BasicTracerProvider registered globally with an
// in-memory exporter, and credentials getting tokens from the emulator over HTTPS. azid never imports
// @opentelemetry/api; the spans must still land in the application's exporter.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { AuthenticationError, ChainedTokenCredential, ClientSecretCredential } from "../../src/index.js";
import { tokenCache } from "../../src/core/cache/tokenCache.js";
import { isTracingEnabled } from "../../src/core/tracing.js";
import { useEmulator } from "../support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const env = useEmulator();
const exporter = new InMemorySpanExporter();

describe("tracing through the application's OpenTelemetry tracer provider", () => {
  before(() => {
    assert.equal(isTracingEnabled(), false, "nothing registered yet: no span work");
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    assert.equal(isTracingEnabled(), true);
  });
  after(() => {
    trace.disable();
    context.disable();
  });
  beforeEach(() => {
    exporter.reset();
    tokenCache.clear();
  });

  it("one INTERNAL span per getToken, named like @azure/identity's, status UNSET on success, no scope or secret in it", async () => {
    const { clientId, secret } = env.addApp();
    const credential = new ClientSecretCredential(env.tenantId, clientId, secret, env.options);
    await credential.getToken(STORAGE);
    await credential.getToken(STORAGE); // a cache hit is traced too
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(
      spans.map((s) => s.name),
      ["ClientSecretCredential.getToken", "ClientSecretCredential.getToken"],
    );
    for (const span of spans) {
      assert.equal(span.kind, SpanKind.INTERNAL);
      assert.equal(span.status.code, SpanStatusCode.UNSET);
      assert.equal(span.attributes["az.namespace"], "Microsoft.AAD");
      assert.equal(
        span.instrumentationLibrary?.name ?? (span as unknown as { instrumentationScope: { name: string } }).instrumentationScope.name,
        "@azid/identity",
      );
      const text = JSON.stringify({ attributes: span.attributes, events: span.events });
      assert.ok(!text.includes(secret) && !text.includes("storage.azure.com"), text);
    }
  });

  it("a failure: status ERROR with the error's name, the exception recorded, and never the secret", async () => {
    const { clientId } = env.addApp();
    const wrong = "wrong~Secret.Value_987";
    const error = await new ClientSecretCredential(env.tenantId, clientId, wrong, env.options).getToken(STORAGE).catch((e: unknown) => e);
    assert.ok(error instanceof AuthenticationError);
    const [span] = exporter.getFinishedSpans();
    assert.ok(span);
    assert.equal(span.status.code, SpanStatusCode.ERROR);
    assert.match(span.status.message ?? "", /^AuthenticationError: invalid_client/);
    const exception = span.events.find((e) => e.name === "exception");
    assert.ok(exception, "exception event");
    assert.equal(exception.attributes?.["exception.type"], "AuthenticationError");
    assert.ok(!JSON.stringify(span.events).includes(wrong));
  });

  it("a chain's span is the parent of its members' spans; a caller's tracingContext is the chain's parent", async () => {
    const { clientId, secret } = env.addApp();
    const chain = new ChainedTokenCredential(new ClientSecretCredential(env.tenantId, clientId, secret, env.options));
    const parent = trace.getTracer("app").startSpan("app.operation");
    const parentContext = trace.setSpan(ROOT_CONTEXT, parent);
    await chain.getToken(STORAGE, { tracingOptions: { tracingContext: parentContext } });
    parent.end();
    const byName = new Map(exporter.getFinishedSpans().map((s) => [s.name, s]));
    const member = byName.get("ClientSecretCredential.getToken");
    const chainSpan = byName.get("ChainedTokenCredential.getToken");
    assert.ok(member && chainSpan, [...byName.keys()].join(", "));
    const parentIdOf = (s: typeof member) =>
      (s as unknown as { parentSpanId?: string; parentSpanContext?: { spanId: string } }).parentSpanId ??
      (s as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId;
    assert.equal(parentIdOf(member), chainSpan.spanContext().spanId);
    assert.equal(parentIdOf(chainSpan), parent.spanContext().spanId);
    assert.equal(chainSpan.spanContext().traceId, parent.spanContext().traceId);
  });
});
