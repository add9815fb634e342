import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { LabelledFile } from './image-folder.js';

/**
 * Splits one CSV line into fields (commas; double-quoted fields may hold commas and `""`).
 *
 * @example
 * ```ts
 * parseCsvLine('"a,b.png",3'); // ['a,b.png', '3']
 * ```
 */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      out.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  out.push(field);
  return out.map((f) => f.trim());
}

/**
 * Reads a `name,label` CSV under `root` (fastai's `labels.csv`): classes are the distinct labels,
 * sorted (numerically when all are numbers); every named file must exist under `root/folder`
 * (otherwise an Error names the CSV row and the file). Returns the text too (part of the decode
 * cache's fingerprint).
 *
 * @example
 * ```ts
 * const { classes, items } = readCsvLabels('/data/mnist_sample', 'labels.csv');
 * ```
 */
export function readCsvLabels(
  root: string,
  csvName: string,
  { folder = '.', header = true }: { folder?: string; header?: boolean } = {},
): { classes: string[]; items: LabelledFile[]; text: string } {
  const csvPath = join(root, csvName);
  if (!existsSync(csvPath)) throw new Error(`fromCsv: labels file not found: ${csvPath}`);
  const text = readFileSync(csvPath, 'utf8');
  const lines = text.split(/\r?\n/);
  const rows: { name: string; label: string; line: number }[] = [];
  for (let i = header ? 1 : 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const fields = parseCsvLine(line);
    if (fields.length < 2 || fields[0] === '' || fields[1] === '') {
      throw new Error(`fromCsv: ${csvPath} line ${i + 1}: expected 'name,label', got '${line}'`);
    }
    rows.push({ name: fields[0]!, label: fields[1]!, line: i + 1 });
  }
  if (rows.length === 0) throw new Error(`fromCsv: ${csvPath} has no rows`);
  const distinct = [...new Set(rows.map((r) => r.label))];
  const numeric = distinct.every((l) => l !== '' && Number.isFinite(Number(l)));
  const classes = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const missing: string[] = [];
  const items: LabelledFile[] = rows.map((r) => {
    const file = posix.normalize(posix.join(folder.replaceAll('\\', '/'), r.name));
    if (!existsSync(join(root, file))) missing.push(`line ${r.line}: ${file}`);
    return { file, label: index.get(r.label)! };
  });
  if (missing.length > 0) {
    const shown = missing.slice(0, 10).join('\n  ');
    throw new Error(
      `fromCsv: ${missing.length} row(s) of ${csvPath} point to missing files under ${root}:\n  ${shown}` +
        (missing.length > 10 ? `\n  … and ${missing.length - 10} more` : ''),
    );
  }
  return { classes, items, text };
}
