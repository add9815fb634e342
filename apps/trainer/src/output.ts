/** Where the trainer's human output and its JSON result go. */
export interface Output {
  /** True when `--json` was given: human output goes to standard error. */
  readonly json: boolean;
  /** Writes human-readable text (a line break is added). */
  info(text: string): void;
  /** Writes raw human-readable text, e.g. a progress bar frame. */
  write(text: string): void;
  /** Whether the human stream is a terminal (progress bars redraw in place). */
  readonly isTTY: boolean;
  /** Prints the JSON result as the last line of standard output (only with `--json`). */
  result(value: unknown): void;
}

/** Creates the output for the given command options. */
export function createOutput(opts: { json?: boolean }): Output {
  const json = opts.json === true;
  const human = json ? process.stderr : process.stdout;
  return {
    json,
    isTTY: human.isTTY === true,
    info: (text) => human.write(`${text}\n`),
    write: (text) => human.write(text),
    result: (value) => {
      if (json) process.stdout.write(`${JSON.stringify(value)}\n`);
    },
  };
}
