/**
 * One tensor whose shape differs between a module and the state being loaded into it.
 *
 * @example
 * ```ts
 * const m: ShapeMismatch = { name: '0.0.weight', expected: [3, 3, 3, 16], actual: [3, 3, 3, 8] };
 * ```
 */
export interface ShapeMismatch {
  readonly name: string;
  readonly expected: readonly number[];
  readonly actual: readonly number[];
}

/**
 * Thrown when a state dict or a weights file does not fit a module. Lists every offending tensor:
 * `missing` (the module has it, the state does not), `unexpected` (the other way round) and
 * `wrongShape`; the message spells them all out.
 *
 * @example
 * ```ts
 * try { model.loadStateDict(state); }
 * catch (e) { if (e instanceof StateDictMismatchError) console.log(e.missing, e.unexpected, e.wrongShape); }
 * ```
 */
export class StateDictMismatchError extends Error {
  override readonly name = 'StateDictMismatchError';
  constructor(
    /** Names the module expects but the state lacks. */
    readonly missing: readonly string[],
    /** Names in the state the module does not have. */
    readonly unexpected: readonly string[],
    /** Tensors present on both sides with different shapes. */
    readonly wrongShape: readonly ShapeMismatch[],
    /** What was being loaded, for the message (e.g. a file path). */
    readonly source = 'state dict',
  ) {
    const lines: string[] = [];
    if (missing.length) lines.push(`  missing (${missing.length}): ${missing.join(', ')}`);
    if (unexpected.length) lines.push(`  unexpected (${unexpected.length}): ${unexpected.join(', ')}`);
    for (const w of wrongShape) {
      lines.push(
        `  wrong shape: ${w.name} expected [${w.expected.join(', ')}], got [${w.actual.join(', ')}]`,
      );
    }
    super(`${source} does not match the model:\n${lines.join('\n')}`);
  }
}
