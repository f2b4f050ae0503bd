import { describe, expect, it } from 'vitest';
import { ManualClock, RealClock, rfc3339, rfc3339Micro } from '../../../src/sim/clock.js';

describe('ManualClock', () => {
  it('fires timers in due order, including timers set by timers', () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 200);
    clock.setTimeout(() => {
      fired.push(`a@${clock.now()}`);
      clock.setTimeout(() => fired.push(`c@${clock.now()}`), 50);
    }, 100);
    const cancelled = clock.setTimeout(() => fired.push('never'), 10);
    clock.clearTimeout(cancelled);
    clock.advance(300);
    expect(fired).toEqual(['a@100', 'c@150', 'b@200']);
    expect(clock.now()).toBe(300);
  });
});

describe('RealClock', () => {
  it('runs simulated time faster by its speed factor', async () => {
    const clock = new RealClock(1000);
    const start = clock.now();
    // 5 simulated minutes pass in about 300 real milliseconds.
    await new Promise<void>((resolve) => clock.setTimeout(resolve, 300_000));
    expect(clock.now() - start).toBeGreaterThanOrEqual(300_000);
  });

  it('rejects a non-positive speed', () => {
    expect(() => new RealClock(0)).toThrow(RangeError);
  });
});

describe('timestamps', () => {
  it('formats Kubernetes Time and MicroTime', () => {
    const ms = Date.UTC(2026, 10, 28, 5, 17, 1, 123);
    expect(rfc3339(ms)).toBe('2026-11-28T05:17:01Z');
    expect(rfc3339Micro(ms)).toBe('2026-11-28T05:17:01.123000Z');
  });
});

describe('RealClock with far-off timers', () => {
  it('does not fire a 30-day timer early (Node caps setTimeout at 2^31-1 ms)', async () => {
    const clock = new RealClock(1);
    let fired = false;
    const handle = clock.setTimeout(() => { fired = true; }, 30 * 24 * 3600 * 1000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fired).toBe(false);
    clock.clearTimeout(handle);
  });
});
