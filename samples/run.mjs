// `node samples/run.mjs <sample> [variant]`: runs one sample against the local Entra ID emulator
// (and Azurite when the sample needs storage), with the environment the sample would have on Azure.
// Nothing leaves this machine. Run `npm run build` first (samples import the built @azid/identity).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@azid/emulator";
import { approveDeviceCodes, SAMPLE_EMULATOR_OPTIONS, SAMPLES, sampleEnv, startServices } from "./emulatorSetup.mjs";

const [name, variant] = process.argv.slice(2);
if (!(name in SAMPLES)) {
  console.error(
    `Usage: node samples/run.mjs <sample> [variant]\n${Object.entries(SAMPLES)
      .map(([n, s]) => `  ${n.padEnd(30)} ${s.description}`)
      .join("\n")}`,
  );
  process.exit(2);
}

const emulator = await startEmulator(SAMPLE_EMULATOR_OPTIONS);
const services = await startServices(emulator, [name]);
const env = await sampleEnv(name, services, variant);
console.error(
  `[run] emulator at ${emulator.url}; running samples/${name}/main.mjs with:\n${Object.keys(env)
    .map((k) => `  ${k}`)
    .join("\n")}`,
);
const sample = SAMPLES[name];
const stop = sample.deviceCodes ? approveDeviceCodes(emulator, (code) => console.error(`[run] a person enters ${code} and signs in`)) : () => {};

const { PATH, HOME, SYSTEMROOT } = process.env;
function runOnce() {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`./${name}/main.mjs`, import.meta.url))], {
    stdio: "inherit",
    env: { PATH, HOME, ...(SYSTEMROOT ? { SYSTEMROOT } : {}), ...env },
  });
  if (sample.server) {
    console.error(
      name === "browser-spa"
        ? `[run] open http://localhost:${env.PORT} in a browser that trusts the emulator's CA (docs/emulator.md); Ctrl+C stops it.`
        : `[run] the API runs until Ctrl+C. Get a caller token with scope api://${env.AZURE_CLIENT_ID}/.default (see samples/obo-web-api/README.md).`,
    );
    process.once("SIGINT", () => child.kill("SIGTERM"));
  }
  return new Promise((resolve) => child.on("exit", (c) => resolve(c ?? 1)));
}
// Some samples show their point over several runs: a second, silent sign-in; a fleet of processes.
const runs = sample.runs ?? 1;
let code = 0;
if (sample.concurrent) {
  console.error(`[run] starting ${runs} processes at once`);
  code = Math.max(...(await Promise.all(Array.from({ length: runs }, runOnce))));
} else {
  for (let i = 1; i <= runs && code === 0; i++) {
    if (runs > 1) console.error(`[run] run ${i} of ${runs}`);
    code = await runOnce();
  }
}
const tokenRequests = emulator.requests.filter((r) => r.route === "token").length;
console.error(`[run] the emulator answered ${tokenRequests} token request(s)`);
stop();
await services.close();
await emulator.close();
process.exit(code);
