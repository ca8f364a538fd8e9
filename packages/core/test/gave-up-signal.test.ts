import { describe, expect, it } from 'vitest';
import { GaveUpSignal, ThreadSignal } from '../src/index.js';

// A bounded loop that runs out throws GaveUpSignal on every such run; the run keeps only the
// thread, so the signal captures no stack trace (most of a throw's cost), and leaves the
// process's stack trace limit as it found it.
describe('GaveUpSignal', () => {
  it('is a thread signal with its message and no stack frames', () => {
    const s = new GaveUpSignal('retry loop ran out');
    expect(s).toBeInstanceOf(ThreadSignal);
    expect(s.name).toBe('GaveUp');
    expect(s.message).toBe('retry loop ran out');
    expect(s.stack ?? '').not.toMatch(/\n\s+at /);
  });

  it('leaves Error.stackTraceLimit as it was', () => {
    const before = Error.stackTraceLimit;
    Error.stackTraceLimit = 7;
    try {
      new GaveUpSignal('x');
      expect(Error.stackTraceLimit).toBe(7);
      expect(new Error('y').stack).toMatch(/\n\s+at /);
    } finally {
      Error.stackTraceLimit = before;
    }
  });
});
