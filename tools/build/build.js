// The production build of one project: `node tools/build/build.js <projectRoot>` (the Nx `build`
// target) compiles <projectRoot>/src with SWC (.swcrc: legacy decorators with metadata, as Nest
// needs) into dist/<projectRoot>/src, without specs. dist/ mirrors the repository, and SWC rewrites
// each `@credit/<lib>` import (tsconfig.base.json paths) to a relative path, so that at runtime it
// resolves to dist/libs/<lib>/src: plain `node dist/apps/<service>/src/main.js` runs a service,
// with no loader and no path mapping. Other files of src/ (e.g. the scorecard model) are copied.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { transformFileSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const projectRoot = process.argv[2];
if (!projectRoot || !fs.existsSync(path.join(root, projectRoot, 'src'))) {
  console.error('usage: node tools/build/build.js <projectRoot>   (e.g. apps/ledger)');
  process.exit(2);
}
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
const { paths } = JSON.parse(
  fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'),
).compilerOptions;
const isSpec = (name) => /\.(spec|int-spec|e2e-spec)\.ts$/.test(name);

const outRoot = path.join(root, 'dist', projectRoot);
fs.rmSync(outRoot, { recursive: true, force: true });

let files = 0;
function build(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const source = path.join(dir, entry.name);
    const target = path.join(root, 'dist', path.relative(root, source));
    if (entry.isDirectory()) {
      build(source);
    } else if (entry.name.endsWith('.ts')) {
      if (isSpec(entry.name) || entry.name.endsWith('.d.ts')) continue;
      const output = target.replace(/\.ts$/, '.js');
      const { code, map } = transformFileSync(source, {
        ...swcrc,
        swcrc: false,
        filename: source,
        sourceMaps: true,
        sourceFileName: path.relative(path.dirname(output), source),
        jsc: { ...swcrc.jsc, baseUrl: root, paths },
      });
      fs.mkdirSync(path.dirname(output), { recursive: true });
      fs.writeFileSync(output, `${code}\n//# sourceMappingURL=${path.basename(output)}.map\n`);
      if (map) fs.writeFileSync(`${output}.map`, map);
      files++;
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}
build(path.join(root, projectRoot, 'src'));
console.log(`built ${projectRoot}: ${files} files into ${path.relative(root, outRoot)}`);
