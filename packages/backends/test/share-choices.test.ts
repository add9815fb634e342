import { describe, expect, it } from 'vitest';
import { ShareChoices } from '../src/kernels/share-choices.js';

/** Runs `calls` calls of `kind`, each taking `sharedMs` when shared and `aloneMs` alone; returns the choices made. */
function run(
  choices: ShareChoices,
  clock: { t: number },
  kind: number,
  calls: number,
  aloneMs: number,
  sharedMs: number,
) {
  const made: boolean[] = [];
  for (let i = 0; i < calls; i++) {
    const shared = choices.begin(kind);
    clock.t += shared ? sharedMs : aloneMs;
    choices.end();
    made.push(shared);
  }
  return made;
}

describe('ShareChoices (whether worker threads share a kind of call, by timing both ways)', () => {
  it('starts shared, times both ways alternately after 8 calls, then keeps the faster way', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    // 1.1 against 1 ms: too close to end early, so five timings each way, and the medians decide.
    const made = run(choices, clock, 1, 8 + 10 + 16, 1.1, 1);
    expect(made.slice(0, 8).every((s) => s)).toBe(true);
    expect(made.slice(8, 18)).toEqual([false, true, false, true, false, true, false, true, false, true]);
    expect(made.slice(18).every((s) => s)).toBe(true);
    expect(choices.usage()).toEqual({ calls: 34, shared: 29 });
    // Where sharing is slower, the trial goes back to one thread.
    const slower = run(choices, clock, 2, 8 + 10 + 16, 1, 1.1);
    expect(slower.slice(18).some((s) => s)).toBe(false);
  });

  it('ends a trial after two calls each way when sharing is clearly faster, never to run alone', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    const made = run(choices, clock, 1, 8 + 4 + 16, 2, 1); // shared takes half the time
    expect(made.slice(8, 12)).toEqual([false, true, false, true]);
    expect(made.slice(12).every((s) => s)).toBe(true);
    const other = new ShareChoices(() => clock.t);
    const slower = run(other, clock, 2, 8 + 10 + 16, 1, 2); // shared takes twice as long: the whole trial
    expect(slower.slice(8, 18)).toEqual([false, true, false, true, false, true, false, true, false, true]);
    expect(slower.slice(18).some((s) => s)).toBe(false);
  });

  it('times on while the two ways overlap', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    run(choices, clock, 1, 8, 2, 1);
    // The second shared call nearly as slow as a call alone: the trial goes on to three calls each way.
    const times = [2, 1, 2, 1.9, 2, 1];
    const made = times.map((ms) => {
      const shared = choices.begin(1);
      clock.t += ms;
      choices.end();
      return shared;
    });
    expect(made).toEqual([false, true, false, true, false, true]);
    expect(run(choices, clock, 1, 16, 2, 1).every((s) => s)).toBe(true);
    // Where they keep overlapping, five calls each way and the medians decide (1.1 against 1 ms above).
  });

  it('chooses per kind, and comes back to one thread when sharing stops paying', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    run(choices, clock, 1, 8 + 4, 2, 1); // kind 1: sharing pays
    run(choices, clock, 2, 8 + 10, 1, 2); // kind 2: it does not
    expect(run(choices, clock, 1, 5, 2, 1).every((s) => s)).toBe(true);
    expect(run(choices, clock, 2, 5, 1, 2).some((s) => s)).toBe(false);
    // The second core gets busy: kind 1's next trial (after 32 calls: the first one confirmed the
    // start shared) finds sharing slower.
    const later = run(choices, clock, 1, 32 - 5 + 10 + 5, 1, 3);
    expect(later.slice(-5).some((s) => s)).toBe(false);
  });

  it('times a choice again twice as late each time a trial confirms it', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    const made = run(choices, clock, 7, 8 + 10 + 32 + 10 + 64 + 10, 1.1, 1);
    // Alone calls are trial calls only: at 8 (confirming the start shared), 50 (after 32) and 124
    // (after 64).
    const alone = made.flatMap((s, i) => (s ? [] : [i]));
    expect(alone).toEqual([8, 10, 12, 14, 16, 50, 52, 54, 56, 58, 124, 126, 128, 130, 132]);
  });

  it('drops the timing of a call that gave up', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    run(choices, clock, 3, 8, 1, 1);
    for (let i = 0; i < 10; i++) {
      choices.begin(3);
      clock.t += 100;
      choices.end(false); // not counted: the trial goes on
    }
    const made = run(choices, clock, 3, 4 + 3, 2, 1);
    expect(made.slice(-3)).toEqual([true, true, true]);
  });
});
