/**
 * Formats seconds as fastai does in its results table: `mm:ss`, or `h:mm:ss` from one hour on.
 *
 * @example
 * ```ts
 * formatTime(65.4);   // '01:05'
 * formatTime(3725);   // '1:02:05'
 * ```
 */
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const t = Math.floor(seconds);
  const h = Math.floor(t / 3600);
  const m = Math.floor(t / 60) % 60;
  const s = t % 60;
  const two = (x: number) => String(x).padStart(2, '0');
  return h !== 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/**
 * Formats one cell of the results table: integers as they are, other numbers with 6 decimals,
 * NaN (a skipped validation) as `#na#`, as fastai prints them.
 *
 * @example
 * ```ts
 * formatStat(0.12345678); // '0.123457'
 * formatStat(Number.NaN); // '#na#'
 * ```
 */
export function formatStat(value: number | string): string {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return '#na#';
  return Number.isInteger(value) ? String(value) : value.toFixed(6);
}

/**
 * Builds fastai's plain-text results table: the header names padded to at least 8 characters and
 * joined by two spaces; each value left-aligned in its column.
 *
 * @example
 * ```ts
 * const t = new ResultsTable(['epoch', 'train_loss', 'valid_loss', 'accuracy', 'time']);
 * t.header(); // 'epoch     train_loss  valid_loss  accuracy  time    '
 * t.row([0, 0.2, 0.1, 0.97, '00:03']);
 * ```
 */
export class ResultsTable {
  /** The padded column names. */
  readonly columns: readonly string[];

  /**
   * @param names - The column names.
   * @example
   * ```ts
   * new ResultsTable(['epoch', 'train_loss']);
   * ```
   */
  constructor(names: readonly string[]) {
    if (names.length === 0) throw new RangeError('ResultsTable: names must hold at least one column');
    this.columns = names.map((n) => n.padEnd(8));
  }

  /**
   * The header line (no newline).
   * @example
   * ```ts
   * table.header();
   * ```
   */
  header(): string {
    return this.columns.join('  ');
  }

  /**
   * One row (no newline); numbers are formatted with {@link formatStat}.
   * @example
   * ```ts
   * table.row([1, 0.25, Number.NaN, '00:01']);
   * ```
   */
  row(values: readonly (number | string)[]): string {
    if (values.length !== this.columns.length) {
      throw new RangeError(`ResultsTable.row: expected ${this.columns.length} values, got ${values.length}`);
    }
    return values.map((v, i) => formatStat(v).padEnd(this.columns[i]!.length + 2)).join('');
  }
}
