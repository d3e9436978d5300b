// Every Redis operation runs against a short deadline: Redis must never make getToken slower than
// fetching the token would be. The operation is not cancelled (clients can't), only no longer awaited.
import { RedisDeadlineError } from "./errors.js";

export function withDeadline<T>(operation: string, ms: number, run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new RedisDeadlineError(operation, ms)), ms);
    let pending: Promise<T>;
    try {
      pending = run();
    } catch (error) {
      clearTimeout(timer);
      reject(error);
      return;
    }
    pending.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
