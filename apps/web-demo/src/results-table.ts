/**
 * fastai's results table (`epoch train_loss valid_loss accuracy time`) as an HTML table.
 */

/**
 * One row: the numbers of one epoch.
 *
 * @example
 * ```ts
 * const row: EpochRow = { epoch: 0, trainLoss: 0.13, validLoss: 0.09, accuracy: 0.97, seconds: 2.4 };
 * ```
 */
export interface EpochRow {
  /** The epoch, 0-based (shown from 1, as fastai v1's table). */
  epoch: number;
  trainLoss: number;
  validLoss: number;
  accuracy: number;
  seconds: number;
}

/**
 * Formats seconds like fastai (`00:04`).
 *
 * @example
 * ```ts
 * formatTime(64.4); // '01:04'
 * ```
 */
export function formatTime(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Builds the table. `data-run` and `data-accuracy` (last epoch) let tests read it.
 *
 * @example
 * ```ts
 * el.append(resultsTable('1cycle', 'one-cycle', [{ epoch: 0, trainLoss: 0.1, validLoss: 0.05, accuracy: 0.98, seconds: 4 }]));
 * ```
 */
export function resultsTable(caption: string, run: string, rows: readonly EpochRow[]): HTMLTableElement {
  const table = document.createElement('table');
  table.dataset.run = run;
  const last = rows[rows.length - 1];
  if (last) table.dataset.accuracy = String(last.accuracy);
  table.createCaption().textContent = caption;
  const head = table.createTHead().insertRow();
  for (const name of ['epoch', 'train_loss', 'valid_loss', 'accuracy', 'time']) {
    const th = document.createElement('th');
    th.textContent = name;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    for (const v of [
      String(r.epoch + 1),
      r.trainLoss.toFixed(6),
      r.validLoss.toFixed(6),
      r.accuracy.toFixed(6),
      formatTime(r.seconds),
    ]) {
      tr.insertCell().textContent = v;
    }
  }
  return table;
}
