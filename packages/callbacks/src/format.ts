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
 * A cell's text shortened to `width` characters when it is a number that does not fit (written
 * with an exponent, e.g. `1.2346e+6`, keeping as many digits as fit); other text is kept.
 */
function fitCell(text: string, width: number): string {
  if (text.length <= width) return text;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return text;
  for (let digits = width; digits >= 0; digits--) {
    const e = v.toExponential(digits);
    if (e.length <= width) return e;
  }
  return text;
}

/**
 * Builds fastai's plain-text results table: the header names padded to at least 8 characters and
 * joined by two spaces; each value left-aligned in its column. A number too wide for its column
 * is written with an exponent so that the columns stay aligned (a diverging loss, say).
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
    return values
      .map((v, i) => {
        const width = this.columns[i]!.length;
        return `${fitCell(formatStat(v), width).padEnd(width)}  `;
      })
      .join('');
  }
}
