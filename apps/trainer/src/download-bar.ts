import { barText, ProgressBar, type ProgressBarOptions } from '@onecycle/callbacks';

/**
 * The text of a download's progress line: the file name, a bar, the percentage and the megabytes
 * received (only the megabytes when the server gave no length).
 */
export function downloadLine(label: string, received: number, total: number | undefined, width = 30): string {
  const mb = (b: number): string => (b / 1e6).toFixed(1);
  if (!total) return `${label} ${mb(received)} MB`;
  const frac = Math.min(1, received / total);
  const pct = `${Math.round(frac * 100)}`.padStart(3);
  return `${label} [${barText(frac, width)}] ${pct}% ${mb(received)}/${mb(total)} MB`;
}

/** A download's progress line: `progress` is `untarData`'s callback option, `end` closes the line. */
export interface DownloadBar {
  /** Draws `(received, total)` bytes, at most every 100 ms and always the last frame. */
  progress(received: number, total: number | undefined): void;
  /** Ends the line (nothing when nothing was drawn, e.g. no download took place). */
  end(): void;
}

/** A progress line for the download of `label`, drawn with callbacks' `ProgressBar`. */
export function downloadBar(label: string, options: ProgressBarOptions): DownloadBar {
  const bar = new ProgressBar(options);
  return {
    progress: (received, total) => bar.update(() => downloadLine(label, received, total), received === total),
    end: () => bar.end(),
  };
}
