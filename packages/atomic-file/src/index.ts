/**
 * Atomic file writes for Node: a reader sees the old file or the new one, never a partial one.
 * Temporary file next to the target, flushed to disk, renamed over it; symbolic links are written
 * through, non-regular targets refused, folders created level by level, and the leftovers of
 * killed writers recognised and removed.
 *
 * @packageDocumentation
 */
export { ensureDirSync } from './ensure-dir.js';
export { removeOrphanTempsSync, tempPath } from './temp-path.js';
export { commitTemp, type FileData, writeFileAtomic, writeFileAtomicSync } from './write-file-atomic.js';
export { resolveWriteTargetSync } from './write-target.js';
