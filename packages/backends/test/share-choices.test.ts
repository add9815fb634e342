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
  it('starts alone, times both ways alternately, then keeps the faster way', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    const made = run(choices, clock, 1, 2 + 10 + 16, 2, 1);
    expect(made.slice(0, 2)).toEqual([false, false]);
    expect(made.slice(2, 12)).toEqual([false, true, false, true, false, true, false, true, false, true]);
    expect(made.slice(12).every((s) => s)).toBe(true);
    expect(choices.usage()).toEqual({ calls: 28, shared: 21 });
  });

  it('chooses per kind, and comes back to one thread when sharing stops paying', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    run(choices, clock, 1, 12, 2, 1); // kind 1: sharing pays
    run(choices, clock, 2, 12, 1, 2); // kind 2: it does not
    expect(run(choices, clock, 1, 5, 2, 1).every((s) => s)).toBe(true);
    expect(run(choices, clock, 2, 5, 1, 2).some((s) => s)).toBe(false);
    // The second core gets busy: kind 1's next trial (after 16 calls) finds sharing slower.
    const later = run(choices, clock, 1, 16 - 5 + 10 + 5, 1, 3);
    expect(later.slice(-5).some((s) => s)).toBe(false);
  });

  it('times a choice again twice as late each time a trial confirms it', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    const made = run(choices, clock, 7, 2 + 10 + 16 + 10 + 32 + 10, 2, 1);
    // Alone calls after the first two are trial calls only: at 2, 28 (after 16) and 70 (after 32).
    const alone = made.flatMap((s, i) => (s ? [] : [i])).filter((i) => i >= 2);
    expect(alone).toEqual([2, 4, 6, 8, 10, 28, 30, 32, 34, 36, 70, 72, 74, 76, 78]);
  });

  it('drops the timing of a call that gave up', () => {
    const clock = { t: 0 };
    const choices = new ShareChoices(() => clock.t);
    run(choices, clock, 3, 2, 1, 1);
    for (let i = 0; i < 10; i++) {
      choices.begin(3);
      clock.t += 100;
      choices.end(false); // not counted: the trial goes on
    }
    const made = run(choices, clock, 3, 10 + 3, 2, 1);
    expect(made.slice(-3)).toEqual([true, true, true]);
  });
});
