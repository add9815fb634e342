import { InvalidArgumentError } from 'commander';

/**
 * Parsers for the trainer's command-line values, one per kind of value. Each throws commander's
 * InvalidArgumentError with a message naming the allowed range, so the CLI prints
 * `error: option '--lr <lr>' argument '…' is invalid. expected …`.
 */

/** The number `value` spells, or NaN (empty or blank text is not 0). */
function toNumber(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}

/** Parses a positive finite number (a learning rate, say). */
export function positiveNumber(value: string): number {
  const n = toNumber(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got '${value}'.`);
  return n;
}

/** Parses a finite number ≥ 0 (a weight decay: `0`, `0.0` and `1e-2` alike). */
export function nonNegativeNumber(value: string): number {
  const n = toNumber(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got '${value}'.`);
  return n;
}

/** Parses an integer within [min, max]. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = toNumber(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}, got '${value}'.`);
    }
    return n;
  };
}

/** Parses a comma-separated list of integers within [min, max], e.g. `--seeds 0,1,2`. */
export function integerListIn(min: number, max: number): (value: string) => number[] {
  return (value: string) => {
    const parts = value.split(',').map(toNumber);
    if (parts.some((n) => !Number.isInteger(n) || n < min || n > max)) {
      throw new InvalidArgumentError(
        `expected comma-separated integers from ${min} to ${max}, got '${value}'.`,
      );
    }
    return parts;
  };
}

/** Parses a number in the open interval (min, max). */
export function numberBetween(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = toNumber(value);
    if (!Number.isFinite(n) || n <= min || n >= max) {
      throw new InvalidArgumentError(`expected a number in (${min}, ${max}), got '${value}'.`);
    }
    return n;
  };
}

/** Parses `--lr`: a positive number or the word `auto` (use the LR finder's suggestion). */
export function learningRate(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = toNumber(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError(`expected a number > 0 or 'auto', got '${value}'.`);
  }
  return n;
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

/**
 * Parses `--moms`: two momentums in [0, 1) separated by a comma, e.g. `0.95,0.85` (Adam's beta1
 * must stay below 1).
 */
export function momentumPair(value: string): [number, number] {
  const parts = value.split(',').map(toNumber);
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n) || n < 0 || n >= 1)) {
    throw new InvalidArgumentError(`expected two numbers in [0, 1) separated by a comma, got '${value}'.`);
  }
  return [parts[0]!, parts[1]!];
}

/** Parses a file or folder path: any text but the empty one. */
export function nonEmptyPath(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError(`expected a path, got '${value}'.`);
  return value;
}
