// Scenario 8: DefaultAzureCredential on a developer's machine. `az` is signed in (the test suite's
// fake az, packages/identity/test/fixtures/tools/az, alone on PATH with node) and there is no
// managed identity: both libraries read AZURE_POD_IDENTITY_AUTHORITY_HOST, pointed here at a loopback
// port that refuses connections, or at a loopback server that accepts connections and never answers
// (a "black hole"). So nothing is sent to 169.254.169.254, and the guard preloaded into every child
// (and, through NODE_OPTIONS, into the fake az) would fail the run if anything tried.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./stats.mjs";
import { childEnv, guardFlags, ROOT, runScenario } from "./proc.mjs";

const FAKE_AZ = join(ROOT, "packages/identity/test/fixtures/tools/az");
/** The tenant the fake az signs its tokens for: the child checks it, so no other credential can pass. */
export const FAKE_TENANT = "be0c0de0-0000-4000-8000-00000000a2a2";

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

/** A loopback port nothing listens on (connections to it are refused). */
async function closedPort() {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Accepts connections, reads nothing back, never answers; `close()` destroys what is still open. */
async function blackHole() {
  const sockets = new Set();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    connections: () => connections,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

function summarize(runs, capMs) {
  const gaveUp = runs.some((r) => r.gaveUp);
  const of = (key) => (gaveUp ? undefined : median(runs.map((r) => r[key])));
  return {
    firstMs: gaveUp ? `> ${capMs / 1000} s (gave up)` : of("firstMs"),
    secondUs: gaveUp ? "not reached" : of("secondUs"),
    azRuns: of("azRuns"),
    imdsConnections: runs[0]?.imdsConnections === undefined ? undefined : median(runs.map((r) => r.imdsConnections)),
    gaveUp,
    runs,
  };
}

/**
 * For each case (IMDS refused, IMDS black hole) and library, `runs` fresh child processes, each
 * timing `new DefaultAzureCredential()` + the first getToken, then the second getToken. A child whose
 * first token takes longer than `capMs` gives up (and that library is not run again for that case).
 */
export async function measureLocalDev({ runs, capMs, log }) {
  const home = mkdtempSync(join(tmpdir(), "azid-bench-localdev-"));
  const bin = join(home, "bin");
  mkdirSync(bin);
  symlinkSync(FAKE_AZ, join(bin, "az"));
  symlinkSync(process.execPath, join(bin, "node")); // for the fake's `#!/usr/bin/env node`
  const hole = await blackHole();
  const cases = {
    refused: { title: "IMDS refused", imds: `http://127.0.0.1:${await closedPort()}` },
    blackHole: { title: "IMDS black hole", imds: `http://127.0.0.1:${hole.port}`, connections: hole.connections },
  };
  let child = 0;
  const runOne = async (lib, { imds, connections }) => {
    const azLog = join(home, `az-runs-${++child}.jsonl`);
    const env = childEnv({
      PATH: bin,
      HOME: home,
      NODE_OPTIONS: guardFlags().join("="), // the fake az is a node script: guard it too
      AZURE_POD_IDENTITY_AUTHORITY_HOST: imds,
      AZID_FAKE_AZ: "ok",
      AZID_FAKE_TENANT: FAKE_TENANT,
      AZID_FAKE_EXPIRES_IN: "3600",
      AZID_FAKE_TOOL_LOG: azLog,
    });
    const before = connections?.();
    const result = await runScenario({ scenario: "localDev", lib, capMs, fakeTenant: FAKE_TENANT }, { env, timeoutMs: capMs * 2 + 30_000 });
    const azRuns = existsSync(azLog) ? readFileSync(azLog, "utf8").split("\n").filter(Boolean).length : 0;
    return { ...result, azRuns, imdsConnections: connections ? connections() - before : undefined };
  };
  try {
    const out = {};
    for (const [id, c] of Object.entries(cases)) {
      const perLib = { azid: [], azure: [] };
      for (let i = 0; i < runs; i++) {
        for (const lib of ["azid", "azure"]) {
          if (perLib[lib].some((r) => r.gaveUp)) continue;
          log(`8/8 local development, ${c.title}: ${lib === "azid" ? "azid" : "@azure/identity"}, fresh process ${i + 1}/${runs}`);
          perLib[lib].push(await runOne(lib, c));
        }
      }
      out[id] = { imds: c.imds, azid: summarize(perLib.azid, capMs), azure: summarize(perLib.azure, capMs) };
    }
    return out;
  } finally {
    await hole.close();
    rmSync(home, { recursive: true, force: true });
  }
}
