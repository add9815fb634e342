import type { Stats } from 'node:fs';

/** What a path names when it is not a regular file, for error messages. */
export function kindOf(s: Stats): string {
  if (s.isFile()) return 'a file';
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  return 'a device';
}

/** The `code` of a Node system error (`ENOENT`, …), if any. */
export function errorCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}
