// Runs a TypeScript benchmark that exports main(): compiles each .ts file with @swc/core on load
// (decorator metadata kept, path aliases resolved by tsconfig-paths). No extra tooling needed.
require('tsconfig-paths/register');
require('reflect-metadata');
const { readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const target = process.argv[2];
if (!target) {
  console.error('usage: node test/bench/run-ts.js <file.ts> [args]');
  process.exit(2);
}
Promise.resolve(require(resolve(target)).main(...process.argv.slice(3))).catch((error) => {
  console.error(error);
  process.exit(1);
});
