// Starts the mapping sandbox process from the TypeScript sources (Jest, benchmarks). A child
// process does not go through Jest's transform, so each .ts file is compiled with @swc/core as it
// is loaded and `@txng/*` imports are resolved to libs/*/src. Built apps do not use this file:
// webpack emits the process as dist/apps/<app>/mapping-sandbox.js (docs/adr/0004).
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { transformSync } = require('@swc/core');

const root = resolve(__dirname, '../../../..');
require('tsconfig-paths').register({ baseUrl: root, paths: { '@txng/*': ['libs/*/src'] } });

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

require('./mapping-sandbox.child.ts');
