/** Timed calls each way per trial (alternating: alone, shared, alone, …). */
const TRIALS = 5;
/**
 * Timed calls each way after which a trial may end early, for sharing: when the median of the shared
 * calls is under `CLEAR` times the fastest call alone. A trial's calls alone cost time where sharing
 * is plainly faster (a large layer, ≈ 0.6× alone), and two or three each show it. The median (of two,
 * the slower) lets one shared call that started with a worker asleep not hold the trial up. Choosing
 * to run alone takes the whole trial: a wrong choice so costs every call until the next trial.
 */
const EARLY = 2;
const CLEAR = 0.8;
/**
 * Calls of a kind between two trials at first; doubled each time a trial confirms the choice. Short:
 * the first trials come while the process warms up (its JavaScript not yet optimised, the workers
 * asleep between slow steps), and a choice made then is soon timed again.
 */
const FIRST_PERIOD = 16;
const LONGEST_PERIOD = 4096;
/**
 * Calls of a kind before its first trial, shared: the very first calls also compile and warm caches,
 * and the workers are still waking up from their start. A trial in the process's first steps found
 * sharing slower often enough to cost the first epoch 110–266 calls alone in the large layers of a
 * small CNN, against 31–46 when the first trial waits this long.
 */
const FIRST_TRIAL_AFTER = 8;

/** How one kind of call runs: the current choice, when it is timed again, and the timings so far. */
interface Choice {
  share: boolean;
  untilTrial: number;
  period: number;
  alone: number[];
  shared: number[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Whether the median of `fast` is under `CLEAR` times the fastest of `slow`. */
const clearlyFaster = (fast: number[], slow: number[]) => median(fast) < CLEAR * Math.min(...slow);

/**
 * Whether calls of each kind (a number per job and layer shape) are shared with worker threads or
 * run on the calling thread alone — measured, not assumed: a virtual machine's second CPU may be
 * another machine's at the moment, and a small layer may not repay the hand-over. A kind starts
 * shared; after `FIRST_TRIAL_AFTER` calls it is timed both ways, whole (copies included),
 * alternating, `TRIALS` calls each (or `EARLY` each when sharing is clearly faster); the faster median
 * wins until the next trial, which comes after `FIRST_PERIOD` calls, then twice as late each time it
 * confirms the choice (up to `LONGEST_PERIOD`).
 *
 * @example
 * ```ts
 * const choices = new ShareChoices();
 * const shared = choices.begin(kind);
 * runTheCall(shared);
 * choices.end();
 * ```
 */
export class ShareChoices {
  private readonly choices = new Map<number, Choice>();
  private trial: Choice | undefined;
  private shared = false;
  private start = 0;
  private calls = 0;
  private sharedCalls = 0;

  /** @param now - the clock, in milliseconds. */
  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Starts a call of `kind`; returns whether to share it. */
  begin(kind: number): boolean {
    let c = this.choices.get(kind);
    if (c === undefined) {
      c = { share: true, untilTrial: FIRST_TRIAL_AFTER, period: FIRST_PERIOD, alone: [], shared: [] };
      this.choices.set(kind, c);
    }
    if (c.untilTrial > 0) {
      c.untilTrial--;
      this.trial = undefined;
      this.shared = c.share;
    } else {
      this.trial = c;
      this.shared = c.shared.length < c.alone.length;
      this.start = this.now();
    }
    this.calls++;
    if (this.shared) this.sharedCalls++;
    return this.shared;
  }

  /** Ends the call begun last; `completed` false (the call gave up) drops its timing. */
  end(completed = true): void {
    const c = this.trial;
    this.trial = undefined;
    if (c === undefined || !completed) return;
    (this.shared ? c.shared : c.alone).push(this.now() - this.start);
    let share: boolean;
    if (c.shared.length >= TRIALS && c.alone.length >= TRIALS) share = median(c.shared) < median(c.alone);
    else if (c.shared.length < EARLY || c.alone.length < EARLY) return;
    else if (clearlyFaster(c.shared, c.alone)) share = true;
    else return;
    c.period = share === c.share ? Math.min(2 * c.period, LONGEST_PERIOD) : FIRST_PERIOD;
    c.share = share;
    c.untilTrial = c.period;
    c.alone.length = 0;
    c.shared.length = 0;
  }

  /** Calls begun so far and how many of them were shared. */
  usage(): { calls: number; shared: number } {
    return { calls: this.calls, shared: this.sharedCalls };
  }
}
