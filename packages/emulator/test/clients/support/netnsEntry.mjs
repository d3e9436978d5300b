// Runs inside a fresh network namespace (`unshare -n node netnsEntry.mjs <socketDir> <ports> -- cmd ...`):
// brings its loopback up, listens on 127.0.0.1:<port> for each port the outside test serves, and
// carries every connection over a unix socket in <socketDir> (a file, so it crosses namespaces)
// to the outside process, which connects it to the real 127.0.0.1:<port>. Then it runs the command.
// The namespace has no other interface: the command can reach nothing but these ports.
import { execFileSync, spawn } from "node:child_process";
import { createConnection, createServer } from "node:net";
import { join } from "node:path";

const [socketDir, portList, separator, command, ...args] = process.argv.slice(2);
if (separator !== "--" || command === undefined) {
  process.stderr.write("usage: netnsEntry.mjs <socketDir> <port,port,...> -- <command> [args...]\n");
  process.exit(2);
}
execFileSync("ip", ["link", "set", "lo", "up"]);

// Each entry is "<port>" (the same port inside and out) or "<inside>:<outside>", e.g. 443:<emulator
// port> for a client that ignores the port of the authority it was given.
const servers = await Promise.all(
  portList
    .split(",")
    .filter(Boolean)
    .map((entry) => entry.split(":"))
    .map(
      ([port, outsidePort = port]) =>
        new Promise((resolve, reject) => {
          const server = createServer((inside) => {
            const outside = createConnection(join(socketDir, `${outsidePort}.sock`));
            inside.pipe(outside).pipe(inside);
            inside.on("error", () => outside.destroy());
            outside.on("error", () => inside.destroy());
          });
          server.on("error", reject);
          server.listen(Number(port), "127.0.0.1", () => resolve(server));
        }),
    ),
);

const child = spawn(command, args, { stdio: "inherit" });
child.on("error", (error) => {
  process.stderr.write(`netnsEntry: cannot run ${command}: ${error.message}\n`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  for (const server of servers) server.close();
  process.exit(code ?? (signal === null ? 1 : 128));
});
