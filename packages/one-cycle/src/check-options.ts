// Internal checks for schedule options: each throws a RangeError (or TypeError for a wrong type
// or an unknown option) naming the option, the allowed range and the value received.

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  return String(value);
}

/** Throws unless every key of `options` is one of `known`; suggests a close name. */
export function checkKnownOptions(
  where: string,
  options: object,
  known: readonly string[],
  aliases: Record<string, string> = {},
): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${where}: options must be an object (got ${show(options)})`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = aliases[key] ? ` (did you mean ${aliases[key]}?)` : '';
    throw new TypeError(`${where}: unknown option ${key}${hint}; known options: ${known.join(', ')}`);
  }
}

/** A finite number > 0. */
export function checkPositive(where: string, name: string, value: unknown, allowInfinity = false): number {
  if (typeof value !== 'number' || !(value > 0) || (!allowInfinity && value === Number.POSITIVE_INFINITY)) {
    const range = allowInfinity ? 'a number > 0 (Infinity allowed)' : 'a finite number > 0';
    throw new RangeError(`${where}: ${name} must be ${range} (got ${show(value)})`);
  }
  return value;
}

/** A number in the open interval (0, 1). */
export function checkOpenUnit(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new RangeError(`${where}: ${name} must be a number in (0, 1) (got ${show(value)})`);
  }
  return value;
}

/** A number in the closed interval [0, 1]. */
export function checkUnit(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new RangeError(`${where}: ${name} must be a number in [0, 1] (got ${show(value)})`);
  }
  return value;
}

/** A number in [0, 1], or a non-empty array of them (one per parameter group). */
export function checkUnits(where: string, name: string, value: unknown): number[] {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw new RangeError(
        `${where}: ${name} must be a number in [0, 1] or a non-empty array of them (got [])`,
      );
    }
    return value.map((v, i) => checkUnit(where, `${name}[${i}]`, v));
  }
  return [checkUnit(where, name, value)];
}

/** An integer ≥ min. */
export function checkInteger(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${where}: ${name} must be an integer ≥ ${min} (got ${show(value)})`);
  }
  return value;
}

/** One of the allowed strings. */
export function checkChoice<T extends string>(
  where: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (!choices.includes(value as T)) {
    throw new RangeError(
      `${where}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')} (got ${show(value)})`,
    );
  }
  return value as T;
}

/** A boolean. */
export function checkBoolean(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`${where}: ${name} must be true or false (got ${show(value)})`);
  return value;
}

/** A learning rate: a finite number > 0, or a non-empty array of them (one per parameter group). */
export function checkLearningRates(where: string, name: string, value: unknown): number[] {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      throw new RangeError(
        `${where}: ${name} must be a number > 0 or a non-empty array of numbers > 0 (got [])`,
      );
    }
    return value.map((v, i) => checkPositive(where, `${name}[${i}]`, v));
  }
  if (typeof value !== 'number') {
    throw new RangeError(
      `${where}: ${name} must be a number > 0 or a non-empty array of numbers > 0 (got ${show(value)})`,
    );
  }
  return [checkPositive(where, name, value)];
}

/** A position on a schedule: a number ≥ 0. */
export function checkStep(where: string, step: number): void {
  if (!(step >= 0)) throw new RangeError(`${where}: step must be a number ≥ 0 (got ${show(step)})`);
}
