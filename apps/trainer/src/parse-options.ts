import { InvalidArgumentError } from 'commander';

/**
 * Parsers for the trainer's command-line values. Each throws commander's InvalidArgumentError with
 * a message naming the allowed range, so the CLI prints `error: option '--lr <lr>' argument ...`.
 */

/** Parses a positive finite number (a learning rate, say). */
export function positiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a number > 0, got '${value}'.`);
  }
  return n;
}

/** Parses an integer within [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got '${value}'.`);
    }
    return n;
  };
}

/** Parses a number in the open interval (min, max). */
export function numberBetween(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= min || n >= max) {
      throw new InvalidArgumentError(`expected a number in (${min}, ${max}), got '${value}'.`);
    }
    return n;
  };
}

/** Parses `--lr`: a positive number or the word `auto` (use the LR finder's suggestion). */
export function learningRate(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  try {
    return positiveNumber(value);
  } catch {
    throw new InvalidArgumentError(`expected a number > 0 or 'auto', got '${value}'.`);
  }
}

/** Parses one of a fixed set of words. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got '${value}'.`);
    }
    return value as T;
  };
}

/** Parses a comma-separated list of positive numbers, e.g. `--moms 0.95,0.85`. */
export function numberPair(value: string): [number, number] {
  const parts = value.split(',').map((s) => Number(s));
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n) || n < 0 || n > 1)) {
    throw new InvalidArgumentError(`expected two numbers in [0, 1] separated by a comma, got '${value}'.`);
  }
  return [parts[0]!, parts[1]!];
}
