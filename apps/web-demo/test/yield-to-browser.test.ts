import { describe, expect, it } from 'vitest';
import { frameYielder } from '../src/yield-to-browser.js';

/** A yielder on a clock the test moves, counting the browser's turns (each takes `turnMs`). */
function setup(frameMs: number, turnMs = 0) {
  let t = 1000;
  let turns = 0;
  const yieldNow = frameYielder(
    frameMs,
    () => t,
    async () => {
      turns++;
      t += turnMs;
    },
  );
  const advance = (ms: number) => {
    t += ms;
  };
  return { yieldNow, advance, turns: () => turns };
}

describe('frameYielder', () => {
  it('gives the browser its first turn at once, then one per frame of batches', async () => {
    const { yieldNow, advance, turns } = setup(16);
    await yieldNow();
    expect(turns()).toBe(1);
    for (let batch = 0; batch < 20; batch++) {
      advance(3); // a 3 ms batch: a turn after the 6th (18 ms), the 12th and the 18th
      await yieldNow();
    }
    expect(turns()).toBe(4);
  });

  it('counts the frame from the end of the last turn, so a slow turn does not crowd out training', async () => {
    const { yieldNow, advance, turns } = setup(16, 40);
    await yieldNow();
    advance(10);
    await yieldNow();
    expect(turns()).toBe(1);
    advance(6);
    await yieldNow();
    expect(turns()).toBe(2);
  });

  it('yields every time when batches are slower than a frame', async () => {
    const { yieldNow, advance, turns } = setup(16);
    for (let batch = 0; batch < 5; batch++) {
      advance(25);
      await yieldNow();
    }
    expect(turns()).toBe(5);
  });
});
