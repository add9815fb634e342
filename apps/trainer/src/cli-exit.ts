/**
 * Ends the CLI with an exit code and a message (`onecycle: <message>` on standard error), after
 * the command wrote what it had: a diverged run (1), a run stopped by SIGINT (130) or SIGTERM (143).
 */
export class CliExit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliExit';
  }
}
