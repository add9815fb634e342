// Internal argument checks shared by the schedules: each throws a RangeError that names the
// parameter, the allowed range and the value received.

/** Throws unless `value` is a finite number. */
export function checkFinite(where: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new RangeError(`${where}: ${name} must be a finite number (got ${String(value)})`);
  }
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInteger(where: string, name: string, value: number, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${where}: ${name} must be an integer ≥ ${min} (got ${String(value)})`);
  }
}

/** Throws unless `step` is a number ≥ 0 (fractional steps are allowed). */
export function checkStep(where: string, step: number): void {
  if (!(step >= 0)) {
    throw new RangeError(`${where}: step must be a number ≥ 0 (got ${String(step)})`);
  }
}

/** Throws unless `schedule` has the Schedule shape (an integer `totalSteps` ≥ 1 and `at`). */
export function checkSchedule(where: string, name: string, schedule: unknown): void {
  const s = schedule as { totalSteps?: unknown; at?: unknown } | null;
  if (s === null || typeof s !== 'object' || typeof s.at !== 'function') {
    throw new TypeError(`${where}: ${name} must be a schedule ({ totalSteps, at(step) })`);
  }
  if (typeof s.totalSteps !== 'number' || !Number.isInteger(s.totalSteps) || s.totalSteps < 1) {
    throw new RangeError(`${where}: ${name}.totalSteps must be an integer ≥ 1 (got ${String(s.totalSteps)})`);
  }
}

/** Throws unless `value` is a number > 0 (Infinity allowed only when `infinite`). */
export function checkPositive(where: string, name: string, value: number, infinite = false): void {
  if (typeof value !== 'number' || !(value > 0) || (!infinite && value === Number.POSITIVE_INFINITY)) {
    const range = infinite ? 'a number > 0 (Infinity allowed)' : 'a finite number > 0';
    throw new RangeError(`${where}: ${name} must be ${range} (got ${String(value)})`);
  }
}

/** Throws unless `value` is a number in the open interval (0, 1). */
export function checkOpenUnit(where: string, name: string, value: number): void {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new RangeError(`${where}: ${name} must be a number in (0, 1) (got ${String(value)})`);
  }
}

/** Throws unless `options` is an object whose every key is one of `known`. */
export function checkKnownOptions(where: string, options: object, known: readonly string[]): void {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`${where}: options must be an object (got ${String(options)})`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(`${where}: unknown option ${key}; known options: ${known.join(', ')}`);
    }
  }
}
