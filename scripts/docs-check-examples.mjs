// Every exported symbol of every package has a TSDoc `@example` (the project's rule; typedoc's own
// validation only checks that a comment exists). Reads typedoc's JSON output of the site build.
// usage: node scripts/docs-check-examples.mjs [docs/site/api.json]
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const file = resolve(process.argv[2] ?? 'docs/site/api.json');
if (!existsSync(file)) {
  console.error(`docs-check-examples: ${file} not found; build the site first (pnpm docs)`);
  process.exit(1);
}
const project = JSON.parse(readFileSync(file, 'utf8'));

// typedoc's ReflectionKind values
const MODULE = 2;
const NAMESPACE = 4;
const REFERENCE = 4194304;
const KIND_NAMES = {
  4: 'namespace',
  8: 'enum',
  32: 'variable',
  64: 'function',
  128: 'class',
  256: 'interface',
  2097152: 'type',
};

const hasExample = (comment) => (comment?.blockTags ?? []).some((t) => t.tag === '@example');

/** The symbol's own comment, or any of its signatures' (functions keep their docs there). */
function documentedWithExample(refl) {
  if (hasExample(refl.comment)) return true;
  const sigs = [...(refl.signatures ?? []), refl.getSignature, refl.setSignature].filter(Boolean);
  return sigs.some((s) => hasExample(s.comment));
}

const missing = [];
let checked = 0;
function visitModule(mod, path) {
  for (const child of mod.children ?? []) {
    if (child.kind === MODULE) {
      visitModule(child, `${path}/${child.name}`);
      continue;
    }
    if (child.kind === REFERENCE || !(child.kind in KIND_NAMES)) continue;
    checked++;
    if (!documentedWithExample(child)) missing.push(`${path}: ${KIND_NAMES[child.kind]} ${child.name}`);
    if (child.kind === NAMESPACE) visitModule(child, `${path}.${child.name}`);
  }
}
for (const pkg of project.children ?? []) visitModule(pkg, pkg.name);

if (missing.length > 0) {
  console.error(missing.join('\n'));
  console.error(`docs-check-examples: ${missing.length} of ${checked} exported symbols have no @example`);
  process.exit(1);
}
console.log(`docs-check-examples: all ${checked} exported symbols have an @example`);
