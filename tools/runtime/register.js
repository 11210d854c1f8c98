// Runs the TypeScript sources directly: SWC compiles each file as Node loads it, with the same
// settings as the tests (.swcrc), and @credit/<lib> resolves to libs/<lib>/src/index.ts
// (@credit/<lib>/<entry>, a library's second entry, to libs/<lib>/src/<entry>.ts).
// Used by the services, the CLI and the scripts: `node -r ./tools/runtime/register.js file.ts`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWorkspaceLibraries(request, parent, ...rest) {
  const match = /^@credit\/([a-z-]+)(?:\/([a-z-]+))?$/.exec(request);
  const target = match
    ? path.join(root, 'libs', match[1], 'src', `${match[2] ?? 'index'}.ts`)
    : request;
  return originalResolve.call(this, target, parent, ...rest);
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    ...swcrc,
    swcrc: false,
    filename,
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};

process.setSourceMapsEnabled(true);
