// Takes the cache lock and keeps it until killed: the "process killed while holding the lock" case.
import { acquireLock } from "../../src/lockFile.js";

const lock = await acquireLock(process.argv[2]!);
process.stdout.write(`locked ${process.pid} ${Math.round(lock.waitedMs)}\n`);
setInterval(() => undefined, 60_000);
