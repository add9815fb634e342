// Internal argument checks shared by the schedulers: each throws a RangeError that names the
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

/** Throws unless `position` is a number ≥ 0 (fractional positions are allowed). */
export function checkPosition(where: string, position: number): void {
  if (!(position >= 0)) {
    throw new RangeError(`${where}: position must be a number ≥ 0 (got ${String(position)})`);
  }
}
