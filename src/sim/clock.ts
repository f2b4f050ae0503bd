/**
 * Simulated time. Everything in the simulator that reads the time or waits goes through a Clock,
 * so tests can run minutes of kubelet back-off in seconds (speed factor) or step time by hand
 * (ManualClock).
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Simulated milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once `ms` simulated milliseconds have passed. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Simulated milliseconds per real millisecond (1 = real time). */
  readonly speed: number;
}

/**
 * Wall-clock time, optionally sped up: simulated time starts at the real time when the clock is
 * created and then runs `speed` times faster.
 */
/** The longest delay Node's setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class RealClock implements Clock {
  private readonly realStart = Date.now();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextId = 1;

  constructor(readonly speed = 1) {
    if (!(speed > 0)) throw new RangeError(`clock speed must be positive, got ${speed}`);
  }

  now(): number {
    const elapsed = Date.now() - this.realStart;
    return this.realStart + elapsed * this.speed;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const due = this.now() + Math.max(0, ms);
    // Node fires any delay over 2^31-1 ms after 1 ms (with a warning); far-off simulated timers
    // (a CronJob's next run, a long deadline) are re-armed in steps instead of spinning.
    const arm = () => {
      const delay = Math.max(0, (due - this.now()) / this.speed);
      const step = Math.min(delay, MAX_TIMER_MS);
      const timer = setTimeout(() => {
        if (step < delay) return arm();
        this.timers.delete(id);
        fn();
      }, step);
      // Pending simulated timers must not keep a finished process (or test run) alive.
      timer.unref();
      this.timers.set(id, timer);
    };
    arm();
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = this.timers.get(handle.id);
    if (timer) clearTimeout(timer);
    this.timers.delete(handle.id);
  }
}

/** Time that only moves when told to; timers fire in due order inside advance(). */
export class ManualClock implements Clock {
  readonly speed = 1;
  private current: number;
  private readonly timers = new Map<number, { due: number; fn: () => void }>();
  private nextId = 1;

  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { due: this.current + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** Moves time forward by `ms`, firing every timer that falls due (including ones they set). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      let nextId: number | undefined;
      let nextDue = Infinity;
      for (const [id, t] of this.timers) {
        if (t.due <= target && t.due < nextDue) {
          nextDue = t.due;
          nextId = id;
        }
      }
      if (nextId === undefined) break;
      const timer = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.current = Math.max(this.current, timer.due);
      timer.fn();
    }
    this.current = target;
  }

  /** Number of timers not yet fired. */
  pending(): number {
    return this.timers.size;
  }
}

/** Kubernetes `Time`: RFC 3339 with second precision, e.g. 2026-11-28T05:17:01Z. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Kubernetes `MicroTime`: RFC 3339 with microseconds, e.g. 2026-11-28T05:17:01.123000Z. */
export function rfc3339Micro(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
