// Starting a listener and keeping hold of its sockets, so close() can end hung requests at once.
import type * as http from "node:http";
import type { Socket } from "node:net";

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
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
