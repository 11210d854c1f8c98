// `node tools/build/check-runtime-deps.js`: after the build, checks that the production build needs
// nothing but the production dependencies. The Docker image's runtime stage installs
// `npm ci --omit=dev` and copies dist/ (Dockerfile), so every package a built service or the CLI
// requires must be a `dependencies` entry of package.json, not a devDependency: the e2e tier runs
// dist/ beside the full node_modules and would not notice. libs/testing is test-only (not built
// into the image). Exits 1 naming each file and package that breaks the rule.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const allowed = new Set([...Object.keys(manifest.dependencies ?? {}), ...builtinModules]);
const dist = path.join(root, 'dist');
const testOnly = path.join(dist, 'libs', 'testing');

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`, `node:fs` → `fs`. */
function packageOf(specifier) {
  const bare = specifier.replace(/^node:/, '');
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? bare);
}

function* builtFiles(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (file !== testOnly) yield* builtFiles(file);
    } else if (entry.name.endsWith('.js')) {
      yield file;
    }
  }
}

if (!fs.existsSync(dist)) {
  console.error('dist/ is missing: run the build first (nx run-many -t build)');
  process.exit(2);
}
const problems = [];
let files = 0;
for (const file of builtFiles(dist)) {
  files++;
  const code = fs.readFileSync(file, 'utf8');
  for (const match of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
    const specifier = match[1] ?? '';
    if (specifier.startsWith('.') || specifier.startsWith('/')) continue;
    const name = packageOf(specifier);
    if (!allowed.has(name) && !allowed.has(specifier)) {
      problems.push(
        `${path.relative(root, file)} requires ${specifier}, not a production dependency`,
      );
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(
    'move each package to "dependencies" in package.json or keep it out of runtime code',
  );
  process.exit(1);
}
console.log(`runtime dependencies: ${files} built files need only production dependencies`);
