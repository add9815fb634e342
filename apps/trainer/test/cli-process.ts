import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@onecycle/models';

/** The built CLI (the test script builds it first). */
export const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** What a finished CLI process left. */
export interface CliRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to the end (at most 4 minutes: a hang fails the test instead of stalling it). */
export function runCli(args: string[]): CliRun {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A signal to send once the CLI's standard error matches `when`. */
export interface SignalStep {
  when: RegExp;
  signal: NodeJS.Signals;
}

/**
 * Runs the CLI and sends it each step's signal, in order, as soon as its standard error matches
 * the step's pattern. `sent` counts the signals sent.
 */
export function runCliWithSignals(args: string[], steps: SignalStep[]): Promise<CliRun & { sent: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args]);
    let stdout = '';
    let stderr = '';
    let sent = 0;
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      while (sent < steps.length && steps[sent]!.when.test(stderr)) child.kill(steps[sent++]!.signal);
    });
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, sent });
    });
  });
}

/** A command line of `command` on the image folder `data`, at --bs 32 on WASM, writing to `out`, with --json. */
export function onData(command: string, data: string, out: string, ...args: string[]): string[] {
  return [command, '--data', data, '--bs', '32', '--backend', 'wasm', '--out', out, '--json', ...args];
}

/** The JSON object on the last line of standard output. */
export function lastJsonLine<T = Record<string, unknown>>(stdout: string): T {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** The model tensors of a checkpoint file (the optimizer's left out), as raw bytes by name. */
export function modelTensorBytes(path: string): Map<string, Buffer> {
  const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(path)), path);
  const out = new Map<string, Buffer>();
  for (const [name, t] of tensors) {
    if (name.startsWith('optimizer.')) continue;
    out.set(name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return out;
}
