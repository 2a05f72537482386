// The layering of apps and libraries (docs/architecture.md, "Layers"), as an ESLint rule that sees
// every form an import can take: `@txng/<lib>`, a relative path (`../../cli/src/x`), a path from the
// repository root (`libs/common/src`, which tsconfig's baseUrl resolves), `export … from`, `import()`,
// `require()`, `import x = require()` and `import('…').Type`.
import { dirname, relative, resolve, sep } from 'node:path';

/**
 * Libraries by layer, lowest first. A library imports only libraries of a LOWER layer (never one of
 * its own layer, never an app); a new library gets a row here before lint accepts it.
 */
export const LIBRARY_LAYERS = [
  ['national-model', 'common', 'simulators'],
  ['persistence', 'queues', 'mapping', 'portal-client'],
  ['connectors', 'pipeline'],
  ['jobs'],
];

/** Apps import any library and never another app; these apps import nothing outside their folder. */
export const SELF_CONTAINED_APPS = ['admin-ui'];

const layerOf = new Map(LIBRARY_LAYERS.flatMap((names, layer) => names.map((name) => [name, layer])));

/** `{ kind: 'apps' | 'libs' | 'test', name }` of a path relative to the repository root, or null. */
function packageOf(path) {
  const match = /^(apps|libs)\/([^/]+)(\/|$)/.exec(path);
  if (match) return { kind: match[1], name: match[2] };
  if (path === 'test' || path.startsWith('test/')) return { kind: 'test', name: 'test' };
  return null;
}

const describe = (pkg) => (pkg.kind === 'test' ? 'test/' : `${pkg.kind}/${pkg.name}`);
const isTestFile = (path) => /\.(spec|integration-spec|e2e-spec|reliability-spec)\.tsx?$/.test(path);

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'apps and libraries import only downward (docs/architecture.md, "Layers")' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' } },
        required: ['root'],
        additionalProperties: false,
      },
    ],
    messages: {
      appToApp: '{{from}} imports {{to}}: apps never import each other; move what they share into a library.',
      selfContained: '{{from}} imports {{to}}: it imports nothing outside its own folder.',
      libToApp: '{{from}} imports {{to}}: a library never imports an app.',
      upward:
        '{{from}} (layer {{fromLayer}}) imports {{to}} (layer {{toLayer}}): a library imports only lower layers (docs/architecture.md).',
      unknownLibrary: '{{name}} is not in LIBRARY_LAYERS (eslint/layering.mjs): give it a layer first.',
      testCode: '{{from}} imports test/: only spec files may.',
      relative: '{{from}} reaches into {{to}} by a path: import it as @txng/{{name}}.',
    },
  },
  create(context) {
    const root = context.options[0].root;
    const file = context.physicalFilename ?? context.filename;
    const rel = relative(root, file).split(sep).join('/');
    const from = packageOf(rel);
    if (!from || from.kind === 'test') return {};
    const testFile = isTestFile(rel);

    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      let to;
      let byPath = false;
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(dirname(file), spec)).split(sep).join('/');
        to = packageOf(target);
        byPath = true;
        if (!to) {
          if (target.startsWith('..') || !from) return;
          to = { kind: 'other', name: target };
        }
      } else if (/^@txng\//.test(spec)) {
        to = { kind: 'libs', name: spec.split('/')[1] };
      } else {
        to = packageOf(spec);
        byPath = to !== null;
        if (!to) return; // a package from node_modules, or node:
      }
      if (to.kind === from.kind && to.name === from.name) return;
      const data = { from: describe(from), to: to.kind === 'other' ? to.name : describe(to), name: to.name };
      const report = (messageId, extra = {}) => context.report({ node, messageId, data: { ...data, ...extra } });

      if (from.kind === 'apps' && SELF_CONTAINED_APPS.includes(from.name)) return report('selfContained');
      if (to.kind === 'other') return undefined; // a repository file outside apps/, libs/ and test/ (config)
      if (to.kind === 'test') return testFile ? undefined : report('testCode');
      if (to.kind === 'apps') return report(from.kind === 'apps' ? 'appToApp' : 'libToApp');
      if (!layerOf.has(to.name)) return report('unknownLibrary', { name: to.name });
      if (from.kind === 'libs') {
        const fromLayer = layerOf.get(from.name);
        const toLayer = layerOf.get(to.name);
        if (fromLayer === undefined) return report('unknownLibrary', { name: from.name });
        if (toLayer >= fromLayer) return report('upward', { fromLayer, toLayer });
      }
      if (byPath) return report('relative');
      return undefined;
    };
    const literal = (node) => (node && node.type === 'Literal' ? node.value : undefined);

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ImportExpression: (node) => check(node, literal(node.source)),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require')
          check(node, literal(node.arguments[0]));
      },
      TSImportEqualsDeclaration: (node) => {
        if (node.moduleReference.type === 'TSExternalModuleReference')
          check(node, literal(node.moduleReference.expression));
      },
      TSImportType: (node) => check(node, literal(node.argument?.literal ?? node.parameter?.literal)),
    };
  },
};

export const layeringPlugin = { meta: { name: 'txng-layering' }, rules: { imports: rule } };
