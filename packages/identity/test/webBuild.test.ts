// The web builds (scripts/webBuild.mjs) load no Node: their bundles import nothing and name no
// `process`, `Buffer` or `setImmediate`, while the same check on the Node entry finds them (so the
// check can fail). The package's export conditions send workerd and browser bundlers to them and
// Node (and Deno and Bun, which match `import`) to the Node build. The SPA bundle keeps issue 14's
// size budget.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, it } from "node:test";
import { build } from "esbuild";
// @ts-expect-error: a plain .mjs script without declarations
import { nodeLeaks, WEB_BUILDS, webBuildOptions } from "../../../scripts/webBuild.mjs";
// @ts-expect-error: a plain .mjs script without declarations
import { measureSpaBundles } from "../../../bench/spa/scenario.mjs";

interface WebBuild {
  condition: string;
  entry: string;
  outfile: string;
  variants: string[];
}

async function bundle(options: Record<string, unknown>) {
  const result = await build({ ...options, write: false, metafile: true, logLevel: "silent" } as Parameters<typeof build>[0]);
  return { result, code: result.outputFiles![0]!.text };
}

describe("web builds", () => {
  for (const web of WEB_BUILDS as WebBuild[]) {
    it(`the ${web.condition} build loads no Node built-in and names no process, Buffer or setImmediate`, async () => {
      const { result, code } = await bundle({ ...webBuildOptions(web.variants), entryPoints: [web.entry] });
      assert.deepEqual(nodeLeaks(result, code), []);
      const published = readFileSync(web.outfile, "utf8");
      assert.doesNotMatch(published, /from\s*["']node:|import\(\s*["']node:|require\(/);
      assert.doesNotMatch(published, /(?<![\w$.])(process|Buffer|setImmediate)\.[A-Za-z_$]/);
    });
  }

  it("the same check finds Node in the Node entry", async () => {
    const { result, code } = await bundle({
      entryPoints: ["packages/identity/src/index.ts"],
      bundle: true,
      format: "esm",
      platform: "node",
      packages: "external",
    });
    const leaks: string[] = nodeLeaks(result, code);
    assert.ok(
      leaks.some((l) => /imports node:/.test(l)),
      leaks.join("\n"),
    );
    assert.ok(
      leaks.some((l) => /names (process|Buffer)/.test(l)),
      leaks.join("\n"),
    );
  });

  it("an app importing only ClientSecretCredential bundles none of the unsupported credentials", async () => {
    const { code } = await bundle({
      stdin: { contents: 'export { ClientSecretCredential } from "./packages/identity/dist/web/index.js";', resolveDir: resolve("."), loader: "js" },
      bundle: true,
      format: "esm",
      platform: "neutral",
      minify: true,
    });
    assert.match(code, /ClientSecretCredential/);
    assert.doesNotMatch(code, /is not supported in browsers/);
    assert.doesNotMatch(code, /importKey/, "no Web Crypto signing without a certificate credential");
  });
});

describe("the browser bundle's budget (issue 14)", () => {
  it("an SPA importing only InteractiveBrowserCredential stays within 1/5 of @azure/identity's browser build, gzipped", async () => {
    // The bench's own measurement (bench/spa/scenario.mjs): both apps bundled by esbuild in this run,
    // minified, browser condition, gzip level 9; sizes are bytes, the same on any machine.
    const sizes = (await measureSpaBundles()) as Record<"azid" | "azure", { minified: number; gzipped: number }>;
    const budget = Math.floor(sizes.azure.gzipped / 5);
    assert.ok(sizes.azure.gzipped > 50_000, `@azure/identity's browser bundle measured ${sizes.azure.gzipped} bytes: not the msal-browser build`);
    assert.ok(
      sizes.azid.gzipped <= budget,
      `azid's SPA bundle is ${sizes.azid.gzipped} bytes gzipped, over its budget of ${budget} (1/5 of @azure/identity's ${sizes.azure.gzipped}); see BENCHMARKS.md section 12`,
    );
  });
});

describe("the web builds' public API", () => {
  for (const web of WEB_BUILDS as WebBuild[]) {
    it(`the ${web.condition} bundle exports exactly the names of the Node entry, so code and types are the same in every build`, async () => {
      const node = Object.keys(await import("../src/index.js")).sort();
      const { result } = await bundle({ ...webBuildOptions(web.variants), entryPoints: [web.entry] });
      const [output] = Object.values(result.metafile!.outputs);
      assert.deepEqual([...output!.exports].sort(), node);
    });
  }

  it("the per-module variants pick each build's InteractiveBrowserCredential and troubleshooting anchors", async () => {
    const app = 'import { InteractiveBrowserCredential } from "./packages/identity/src/index.ts"; globalThis.C = InteractiveBrowserCredential;';
    const texts: Record<string, string> = {};
    for (const web of WEB_BUILDS as WebBuild[]) {
      const { code } = await bundle({ ...webBuildOptions(web.variants), stdin: { contents: app, resolveDir: resolve("."), loader: "js" } });
      texts[web.condition] = code;
    }
    assert.match(texts.browser!, /loginStyle/, "the browser build signs users in (interactiveBrowserCredential.browser.ts)");
    assert.match(texts.browser!, /browser-popup-blocked/);
    assert.doesNotMatch(texts.browser!, /device-code-expired|client-secret-invalid/, "server-only sections stay out of a page (errorAnchors.browser.ts)");
    assert.match(
      texts.workerd!,
      /a worker has no browser window/,
      "workerd's InteractiveBrowserCredential is the placeholder (interactiveBrowserCredential.web.ts)",
    );
    assert.doesNotMatch(texts.workerd!, /loginStyle/);
  });
});

describe("package export conditions", () => {
  const cases: Array<[string, string[], string]> = [
    ["workerd (wrangler's conditions)", ["workerd", "worker", "browser"], "packages/identity/dist/web/index.js"],
    ["browser bundlers", ["browser"], "packages/identity/dist/browser/index.js"],
    ["Node", ["node"], "packages/identity/dist/esm/index.js"],
    ["Deno", ["deno", "node"], "packages/identity/dist/esm/index.js"],
    ["Bun", ["bun", "node"], "packages/identity/dist/esm/index.js"],
  ];
  for (const [who, conditions, expected] of cases) {
    it(`${who} resolve @azid/identity to ${expected}`, async () => {
      const { result } = await bundle({
        stdin: { contents: 'export * from "@azid/identity";', resolveDir: resolve("."), loader: "js" },
        bundle: true,
        format: "esm",
        platform: conditions.includes("node") ? "node" : "neutral",
        conditions,
      });
      const inputs = Object.keys(result.metafile!.inputs).filter((f) => f.includes("packages/identity/"));
      assert.ok(
        inputs.some((f) => f.endsWith(expected)),
        inputs.join(", "),
      );
    });
  }
});
