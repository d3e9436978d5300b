// Test-wide network guard, preloaded into every test process (and into every Node child process a
// test starts, whatever environment the test gives it). Any attempt to open a connection, send a
// datagram or resolve a name outside loopback fails at once, is reported on stderr, and makes the
// process exit non-zero, so a test that swallows the error still fails.
//
// Every way Node opens a TCP connection ends in net.Socket.prototype.connect: net/tls/http/https/
// http2 and undici's fetch alike. Its rule for "is this a unix socket?" is `!!options.path`; the
// http agent passes `path: null` for TCP, so the guard uses exactly that rule (an earlier version
// treated any defined `path` as a socket path and let http(s) to IP literals through).
//
// CommonJS on purpose: worker threads don't run `--import` preloads, so the guard wraps Worker and
// `require`s itself at the top of each worker's code. scripts/network-guard.mjs re-exports it.
"use strict";
const net = require("node:net");
const dns = require("node:dns");
const dgram = require("node:dgram");
const { ChildProcess } = require("node:child_process");
const workerThreads = require("node:worker_threads");
const { pathToFileURL } = require("node:url");

if (globalThis.__azidNetworkGuard === true) return; // loaded twice (e.g. --import and require)
globalThis.__azidNetworkGuard = true;

const violations = [];

function isLoopbackAddress(host) {
  let h = String(host).toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const v4 = h.startsWith("::ffff:") ? h.slice(7) : h;
  return net.isIPv4(v4) && v4.startsWith("127.");
}

function refuse(what, host) {
  const message = `network-guard: refused ${what} to non-loopback address "${host}"`;
  violations.push(message);
  process.stderr.write(message + "\n" + new Error().stack.split("\n").slice(2, 8).join("\n") + "\n");
  process.exitCode = 1;
  const error = new Error(message);
  error.code = "ENETWORKGUARD";
  return error;
}

// --- TCP (net, tls, http, https, http2, fetch) -------------------------------------------------
const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0]; // internal normalized form
  let host;
  if (options !== null && typeof options === "object") {
    if (options.path) return originalConnect.apply(this, args); // unix socket: net's own rule
    host = options.host ?? options.hostname ?? "localhost";
  } else if (typeof options === "string" && !/^\d+$/.test(options)) {
    return originalConnect.apply(this, args); // unix socket path
  } else {
    host = typeof args[1] === "string" ? args[1] : "localhost";
  }
  if (!isLoopbackAddress(host)) {
    const error = refuse("connection", host);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return originalConnect.apply(this, args);
};

// --- name resolution (getaddrinfo and c-ares) --------------------------------------------------
const originalLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (!isLoopbackAddress(hostname)) {
    const callback = rest[rest.length - 1];
    const error = refuse("name lookup", hostname);
    if (typeof callback === "function") process.nextTick(() => callback(error));
    return {};
  }
  return originalLookup.call(this, hostname, ...rest);
};
const originalPromiseLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromiseLookup(hostname, ...rest) {
  if (!isLoopbackAddress(hostname)) throw refuse("name lookup", hostname);
  return originalPromiseLookup.call(this, hostname, ...rest);
};
const originalLookupService = dns.lookupService;
dns.lookupService = function guardedLookupService(address, ...rest) {
  if (!isLoopbackAddress(address)) throw refuse("reverse lookup", address);
  return originalLookupService.call(this, address, ...rest);
};
// c-ares queries send UDP packets to the configured name servers, whatever the name: refuse them
// all (nothing here needs a DNS query).
const resolverMethods = [
  "resolve",
  "resolveAny",
  "resolve4",
  "resolve6",
  "resolveCaa",
  "resolveCname",
  "resolveMx",
  "resolveNaptr",
  "resolveNs",
  "resolvePtr",
  "resolveSoa",
  "resolveSrv",
  "resolveTxt",
  "reverse",
];
for (const method of resolverMethods) {
  const callbackStyle = function guardedResolve(name, ...rest) {
    const error = refuse(`DNS query (${method})`, name);
    const callback = rest[rest.length - 1];
    if (typeof callback === "function") process.nextTick(() => callback(error));
    else throw error;
    return {};
  };
  const promiseStyle = async function guardedResolvePromise(name) {
    throw refuse(`DNS query (${method})`, name);
  };
  if (typeof dns[method] === "function") dns[method] = callbackStyle;
  if (typeof dns.Resolver.prototype[method] === "function") dns.Resolver.prototype[method] = callbackStyle;
  if (typeof dns.promises[method] === "function") dns.promises[method] = promiseStyle;
  if (typeof dns.promises.Resolver.prototype[method] === "function") dns.promises.Resolver.prototype[method] = promiseStyle;
}

// --- UDP ------------------------------------------------------------------------------------------
const originalSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(...args) {
  const address = args.find((a, i) => i > 0 && typeof a === "string");
  if (address !== undefined && !isLoopbackAddress(address)) throw refuse("datagram", address);
  return originalSend.apply(this, args);
};
const originalDgramConnect = dgram.Socket.prototype.connect;
dgram.Socket.prototype.connect = function guardedDgramConnect(port, address, ...rest) {
  const host = typeof address === "string" ? address : "localhost";
  if (!isLoopbackAddress(host)) throw refuse("datagram connect", host);
  return originalDgramConnect.call(this, port, address, ...rest);
};

// --- child processes -------------------------------------------------------------------------------
// Every spawn/exec/fork goes through ChildProcess.prototype.spawn. Whatever environment a test hands
// its child, a Node child still preloads this guard. (Non-Node programs are not guarded by this; the
// tests run those, e.g. Python, inside `unshare -n`.)
const guardRequire = `--require ${JSON.stringify(__filename)}`;

function guardedNodeOptions(current) {
  const value = current ?? "";
  return value.includes("network-guard.") ? value : `${value} ${guardRequire}`.trim();
}

const originalSpawn = ChildProcess.prototype.spawn;
ChildProcess.prototype.spawn = function guardedSpawn(options) {
  if (options !== null && typeof options === "object") {
    const pairs = Array.isArray(options.envPairs) ? options.envPairs : [];
    const index = pairs.findIndex((p) => p.startsWith("NODE_OPTIONS="));
    const updated = `NODE_OPTIONS=${guardedNodeOptions(index >= 0 ? pairs[index].slice("NODE_OPTIONS=".length) : "")}`;
    if (index >= 0) pairs[index] = updated;
    else pairs.push(updated);
    options.envPairs = pairs;
  }
  return originalSpawn.call(this, options);
};

// The synchronous forms don't create a ChildProcess: give their options an env that carries the guard.
const childProcess = require("node:child_process");
function withGuardedEnv(options) {
  const base = options !== null && typeof options === "object" ? options : {};
  const env = { ...(base.env ?? process.env) };
  env.NODE_OPTIONS = guardedNodeOptions(env.NODE_OPTIONS);
  return { ...base, env };
}
for (const name of ["spawnSync", "execFileSync"]) {
  const original = childProcess[name];
  childProcess[name] = function guardedSync(file, args, options) {
    if (Array.isArray(args) || args === undefined || args === null) return original.call(this, file, args ?? [], withGuardedEnv(options));
    return original.call(this, file, withGuardedEnv(args));
  };
}
const originalExecSync = childProcess.execSync;
childProcess.execSync = function guardedExecSync(command, options) {
  return originalExecSync.call(this, command, withGuardedEnv(options));
};

// --- worker threads ------------------------------------------------------------------------------
const OriginalWorker = workerThreads.Worker;
class GuardedWorker extends OriginalWorker {
  constructor(filename, options = {}) {
    // Works whether the worker's code is evaluated as CommonJS or (under --input-type=module) as ESM.
    const guard = `process.getBuiltinModule("node:module").createRequire(${JSON.stringify(__filename)})(${JSON.stringify(__filename)});\n`;
    if (options.eval === true) {
      super(guard + String(filename), options);
    } else {
      const target = filename instanceof URL ? filename.href : String(filename).startsWith("file:") ? String(filename) : pathToFileURL(String(filename)).href;
      super(`${guard}import(${JSON.stringify(target)}).catch((e) => { process.nextTick(() => { throw e; }); });`, { ...options, eval: true });
    }
  }
}
workerThreads.Worker = GuardedWorker;

// ESM named imports of built-ins (`import { lookup } from "node:dns"`) see the patched functions too.
require("node:module").syncBuiltinESMExports();

process.on("exit", () => {
  if (violations.length > 0) {
    process.stderr.write(`network-guard: ${violations.length} non-loopback attempt(s) in this process\n`);
    process.exitCode = 1;
  }
});

module.exports = { isLoopbackAddress };
