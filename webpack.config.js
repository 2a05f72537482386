// `nest build <app>` reads this file for every app (docs/adr/0002). The apps that run mappings
// also get the mapping sandbox's child process as an entry of its own, emitted beside main.js as
// dist/apps/<app>/mapping-sandbox.js, where MappingSandbox looks for it (docs/adr/0004).
const { dirname, join } = require('node:path');

const APPS_THAT_MAP = ['gateway', 'worker', 'cli'];
const SANDBOX_ENTRY = './libs/mapping/src/sandbox/mapping-sandbox.child.ts';

module.exports = (options) => {
  const app = options.output.filename.split(/[\\/]/).at(-2);
  if (!APPS_THAT_MAP.includes(app)) return options;
  return {
    ...options,
    entry: { main: options.entry, 'mapping-sandbox': SANDBOX_ENTRY },
    output: { ...options.output, filename: join(dirname(options.output.filename), '[name].js') },
  };
};
