import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { STOP_SIGNALS, type StopSignal, stopNotice } from './stop-on-signal.js';

/** Set in the environment of the process that runs the command under {@link runSupervised}. */
export const SUPERVISED_ENV = 'ONECYCLE_SUPERVISED';

/**
 * What the supervisor says at once on the first signal while the command listens for it (null:
 * it does not listen): where the command's human output goes and the file it saves.
 */
export interface StopNoticeMessage {
  stopNotice: { json: boolean; save?: string } | null;
}

/**
 * Tells the supervisor (in the child of {@link runSupervised}) what to say on the first signal;
 * false when the process runs alone (then it says it itself).
 */
export function tellSupervisor(message: StopNoticeMessage): boolean {
  if (process.env[SUPERVISED_ENV] !== '1' || !process.send || !process.connected) return false;
  process.send(message);
  return true;
}

/**
 * Runs the CLI script again in a child process and stays idle beside it, so that a second
 * SIGINT/SIGTERM is handled at once even while the child is inside a training batch (a batch is
 * synchronous work: the child's own signal handlers run only after it). The first signal goes on to
 * the child, which finishes its batch, saves and writes what it has, and this process says so at
 * once (the child told it what to say, {@link tellSupervisor}); a second one kills the child
 * and exits 130/143 at once, saying that nothing more was saved (saves are atomic, so the files on
 * disk are whole: the last good checkpoint stays). The child runs in its own process group, so a
 * terminal's Ctrl-C reaches it only through this process. Resolves to the child's exit code.
 */
export function runSupervised(script: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      detached: true,
      env: { ...process.env, [SUPERVISED_ENV]: '1' },
    });
    let first: StopSignal | undefined;
    let notice: StopNoticeMessage['stopNotice'] = null;
    child.on('message', (m: StopNoticeMessage) => {
      notice = m.stopNotice;
    });
    const onSignal = (sig: StopSignal) => {
      if (first === undefined) {
        first = sig;
        child.kill(sig);
        if (notice)
          (notice.json ? process.stderr : process.stdout).write(`${stopNotice(sig, notice.save)}\n`);
        return;
      }
      child.kill('SIGKILL');
      process.stderr.write(
        `\nonecycle: ${sig} again: stopped at once, without saving (the files already written are left as they were)\n`,
      );
      process.exit(STOP_SIGNALS[sig]);
    };
    const handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((sig) => {
      const handler = () => onSignal(sig);
      process.on(sig, handler);
      return [sig, handler] as const;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const [sig, handler] of handlers) process.off(sig, handler);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/**
 * In the child of {@link runSupervised}: ends the process when the supervisor is gone (killed), so
 * that no training goes on unseen. The IPC channel does not keep the process alive.
 */
export function exitWithSupervisor(): void {
  process.on('disconnect', () => process.exit(STOP_SIGNALS.SIGTERM));
  process.channel?.unref();
}
