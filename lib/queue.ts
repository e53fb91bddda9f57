// This module is browser compatible.
// A bounded delivery queue: each lane (webhook) runs at most `limit` jobs at once, and the
// whole queue holds at most `maxPending` jobs, queued and running. Nothing is unbounded.

/** A first-in, first-out list with O(1) push and shift. */
class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

/** One webhook's share of the queue. */
export interface Lane {
  /** The most jobs of this lane running at once. */
  readonly limit: number;
  /** Jobs of this lane running now. */
  running: number;
  /** Jobs of this lane waiting. */
  readonly waiting: Fifo<() => Promise<void>>;
}

/**
 * Makes a lane.
 *
 * @param limit The most jobs running at once.
 * @returns The lane.
 */
export function lane(limit: number): Lane {
  return { limit, running: 0, waiting: new Fifo() };
}

/** The queue: lanes share one pending limit. */
export class DeliveryQueue {
  readonly #maxPending: number;
  #pending = 0;
  #running = 0;
  #idle: (() => void)[] = [];

  /**
   * Creates a queue.
   *
   * @param maxPending The most jobs queued and running, over all lanes.
   */
  constructor(maxPending: number) {
    this.#maxPending = maxPending;
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /** Jobs running. */
  get running(): number {
    return this.#running;
  }

  /**
   * Adds a job to a lane, to run when the lane has room. It never rejects the caller.
   *
   * @param into The lane.
   * @param job The job; it must not reject.
   * @returns Whether it was taken (false: the queue is full).
   */
  offer(into: Lane, job: () => Promise<void>): boolean {
    if (this.#pending >= this.#maxPending) return false;
    this.#pending++;
    into.waiting.push(job);
    this.#pump(into);
    return true;
  }

  /**
   * Runs a job now, outside the lanes, counting it as pending until it ends (before
   * webhooks, which their event waits for, do not queue behind after webhooks).
   *
   * @param job The job; it must not reject.
   * @returns The job's promise.
   */
  run<T>(job: () => Promise<T>): Promise<T> {
    this.#pending++;
    this.#running++;
    return job().finally(() => this.#done());
  }

  #pump(into: Lane): void {
    while (into.running < into.limit) {
      const job = into.waiting.shift();
      if (job === undefined) return;
      into.running++;
      this.#running++;
      const finish = () => {
        into.running--;
        this.#done();
        this.#pump(into);
      };
      let running: Promise<void>;
      try {
        running = job();
      } catch {
        finish();
        continue;
      }
      running.then(finish, finish);
    }
  }

  #done(): void {
    this.#running--;
    this.#pending--;
    if (this.#pending === 0) { for (const resolve of this.#idle.splice(0)) resolve(); }
  }

  /**
   * Resolves when no job is queued or running.
   *
   * @returns When the queue is empty.
   */
  drained(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }
}
