// Checks the built documentation site for broken internal links.
// usage: node scripts/link-check.mjs [siteDir=docs/site]
//
// Every relative href/src in every HTML file of the site must resolve to a file inside the site,
// and every #fragment must name an element id (or <a name>) in the target page. Absolute URLs
// (scheme:, //host) are not fetched: the checked machines have no general network access.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const siteDir = resolve(process.argv[2] ?? 'docs/site');
if (!existsSync(join(siteDir, 'index.html'))) {
  console.error(
    `link-check: ${relative(process.cwd(), siteDir)}/index.html not found; build the site first (pnpm docs)`,
  );
  process.exit(1);
}

/** All files below dir, as absolute paths. */
function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** Decodes the HTML entities that appear in attribute values. */
function decodeEntities(s) {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');
}

const idCache = new Map();
/** The set of ids (and a[name]s) a page defines. */
function idsOf(file) {
  let ids = idCache.get(file);
  if (!ids) {
    const html = readFileSync(file, 'utf8');
    ids = new Set();
    for (const m of html.matchAll(/\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      ids.add(decodeEntities(m[1] ?? m[2] ?? ''));
    }
    idCache.set(file, ids);
  }
  return ids;
}

const files = walk(siteDir);
const htmlFiles = files.filter((f) => f.endsWith('.html'));
const problems = [];
let checked = 0;

for (const file of htmlFiles) {
  const html = readFileSync(file, 'utf8')
    // Inline scripts are code, not links: keep the tag (its src counts), drop the body.
    .replace(/(<script\b[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
  for (const m of html.matchAll(/<[a-zA-Z][^>]*?\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    const raw = decodeEntities(m[2] ?? m[3] ?? '').trim();
    if (raw === '' || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(raw) || raw.startsWith('//')) continue;
    checked++;
    const [beforeHash, fragment] = raw.split('#', 2);
    const pathPart = decodeURIComponent((beforeHash ?? '').split('?')[0] ?? '');
    let target = pathPart === '' ? file : resolve(dirname(file), pathPart);
    if (!target.startsWith(siteDir + sep) && target !== siteDir) {
      problems.push(`${relative(siteDir, file)}: ${raw} points outside the site`);
      continue;
    }
    if (existsSync(target) && statSync(target).isDirectory()) target = join(target, 'index.html');
    if (!existsSync(target)) {
      problems.push(`${relative(siteDir, file)}: ${raw} → missing ${relative(siteDir, target)}`);
      continue;
    }
    if (fragment && target.endsWith('.html')) {
      const id = decodeURIComponent(fragment);
      if (!idsOf(target).has(id)) {
        problems.push(
          `${relative(siteDir, file)}: ${raw} → no element with id "${id}" in ${relative(siteDir, target)}`,
        );
      }
    }
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(
    `link-check: ${problems.length} broken link(s) among ${checked} in ${htmlFiles.length} pages`,
  );
  process.exit(1);
}
console.log(`link-check: ${checked} internal links in ${htmlFiles.length} pages, none broken`);
