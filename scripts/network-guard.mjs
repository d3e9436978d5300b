// Test-wide network guard, preloaded into every test process (and, through NODE_OPTIONS, into every
// Node child process a test starts). Any attempt to open a TCP connection or resolve a name outside
// loopback fails at once, is reported on stderr, and makes the process exit non-zero, so a test that
// swallows the error still fails.
import net from "node:net";
import dns from "node:dns";
import dgram from "node:dgram";

const violations = [];

function isLoopbackAddress(host) {
  if (host === "localhost" || host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  const v4 = host.startsWith("::ffff:") ? host.slice(7) : host;
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

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  let options = args[0];
  if (Array.isArray(options)) options = options[0]; // internal normalized form
  let host;
  if (options !== null && typeof options === "object") {
    if (options.path !== undefined) return originalConnect.apply(this, args); // unix socket
    host = options.host ?? "localhost";
  } else if (typeof options === "string" && !/^\d+$/.test(options)) {
    return originalConnect.apply(this, args); // unix socket path
  } else {
    host = typeof args[1] === "string" ? args[1] : "localhost";
  }
  if (!isLoopbackAddress(String(host))) {
    const error = refuse("connection", host);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return originalConnect.apply(this, args);
};

const originalLookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, ...rest) {
  if (!isLoopbackAddress(String(hostname))) {
    const callback = rest[rest.length - 1];
    const error = refuse("name lookup", hostname);
    if (typeof callback === "function") process.nextTick(() => callback(error));
    return {};
  }
  return originalLookup.call(this, hostname, ...rest);
};
const originalPromiseLookup = dns.promises.lookup;
dns.promises.lookup = async function guardedPromiseLookup(hostname, ...rest) {
  if (!isLoopbackAddress(String(hostname))) throw refuse("name lookup", hostname);
  return originalPromiseLookup.call(this, hostname, ...rest);
};

const originalSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function guardedSend(...args) {
  const address = args.find((a, i) => i > 0 && typeof a === "string");
  if (address !== undefined && !isLoopbackAddress(address)) throw refuse("datagram", address);
  return originalSend.apply(this, args);
};

process.on("exit", () => {
  if (violations.length > 0) {
    process.stderr.write(`network-guard: ${violations.length} non-loopback attempt(s) in this process\n`);
    process.exitCode = 1;
  }
});

export { isLoopbackAddress };
