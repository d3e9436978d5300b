// Reading a small file azid was pointed at (a certificate, a federated token file, a VS Code record)
// without ever blocking: open(2) of a FIFO blocks until a writer appears, and a stat() before the open
// can be raced, so the file is opened with O_NONBLOCK (harmless for regular files), checked with
// fstat on the open descriptor, and read up to a bound. Devices, FIFOs, sockets and directories are
// refused with code ENOTREG; a file over the bound with EFBIG.
import { nodeFs } from "./nodeBuiltins.js";

export class FileReadError extends Error {
  constructor(
    readonly code: "ENOTREG" | "EFBIG",
    message: string,
    /** For EFBIG: the size seen (at least maxBytes + 1). */
    readonly size?: number,
  ) {
    super(message);
    this.name = "FileReadError";
  }
}

/** open(2) flags that never block on a FIFO (O_NONBLOCK is 0 on Windows, where FIFOs don't exist as files). */
export function nonBlockingReadFlags(): number {
  const { constants } = nodeFs();
  return constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
}

/** The bytes of the regular file at `path`, at most `maxBytes`; fs errors (ENOENT, EACCES...) pass through. */
export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  const fs = nodeFs();
  const fd = fs.openSync(path, nonBlockingReadFlags());
  try {
    const stat = fs.fstatSync(fd);
    checkRegular(stat, maxBytes);
    const buffer = Buffer.alloc(Math.min(maxBytes, stat.size) + 1);
    let read = 0;
    for (let n = -1; n !== 0 && read < buffer.length; read += n) n = fs.readSync(fd, buffer, read, buffer.length - read, read);
    if (read > maxBytes) throw new FileReadError("EFBIG", `it is larger than ${maxBytes} bytes`, read);
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}

function checkRegular(stat: import("node:fs").Stats, maxBytes: number): void {
  if (stat.isDirectory()) throw new FileReadError("ENOTREG", "it is a directory, not a regular file");
  if (!stat.isFile()) throw new FileReadError("ENOTREG", "it is not a regular file (a FIFO, socket or device)");
  if (stat.size > maxBytes) throw new FileReadError("EFBIG", `it is larger than ${maxBytes} bytes (${stat.size} bytes)`, stat.size);
}
