// Every Redis operation runs against a short deadline: Redis must never make getToken slower than
// fetching the token would be. The operation is not cancelled (clients can't), only no longer awaited.
//
// When the timer fires, the verdict waits for the rest of this event-loop turn (setImmediate runs
// after the poll phase): Node runs due timers before it reads sockets, so after the process was
// starved of CPU for longer than the deadline, a reply already waiting in the socket would otherwise
// lose to the timer and a healthy Redis would look slow.
import { RedisDeadlineError } from "./errors.js";

export function withDeadline<T>(operation: string, ms: number, run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new RedisDeadlineError(operation, ms));
      });
    }, ms);
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    let pending: Promise<T>;
    try {
      pending = run();
    } catch (error) {
      finish(() => reject(error));
      return;
    }
    pending.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
