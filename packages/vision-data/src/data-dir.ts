import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Environment variable that overrides the default data directory.
 *
 * @example
 * ```ts
 * process.env[dataDirEnv] = '/mnt/data'; // same as ONECYCLE_DATA=/mnt/data
 * ```
 */
export const dataDirEnv = 'ONECYCLE_DATA';

/**
 * The directory where `untarData` keeps archives and extracted data sets: `dest` if given, else
 * `$ONECYCLE_DATA`, else `~/.onecycle/data`.
 *
 * @example
 * ```ts
 * dataDir();               // '/home/me/.onecycle/data'
 * dataDir('/tmp/my-data'); // '/tmp/my-data'
 * ```
 */
export function dataDir(dest?: string): string {
  if (dest !== undefined && dest !== '') return resolve(dest);
  const env = process.env[dataDirEnv];
  if (env) return resolve(env);
  return join(homedir(), '.onecycle', 'data');
}
