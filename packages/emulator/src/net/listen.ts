// Starting a listener and keeping hold of its sockets, so close() can end hung requests at once.
import type * as http from "node:http";
import type { Socket } from "node:net";

/**
 * Connections the kernel queues for the listener before it drops new ones. Node's default, 511, is
 * too few for a fleet benchmark (16 processes opening 800 connections at once to an emulator starved
 * of CPU): the overflow is dropped SYNs that clients resend after 1, 3 and 7 s, so whole seconds land
 * at random on one run's p99. Linux caps it at net.core.somaxconn (4096 by default).
 */
const BACKLOG = 4096;

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, backlog: BACKLOG }, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") return reject(new Error("The emulator server has no TCP address"));
      resolve(address.port);
    });
  });
}

/** Adds every socket of `server` to `sockets` while it is open. */
export function trackSockets(server: http.Server, sockets: Set<Socket>): void {
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
}
