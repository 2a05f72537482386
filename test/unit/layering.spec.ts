import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The layering lint (eslint/layering.mjs, docs/architecture.md "Layers") run through ESLint's Node
 * API with the repository's own eslint.config.mjs, on small files that exist only in memory at paths
 * inside apps/ and libs/. ESLint loads its flat config with import(), which Jest's module system does
 * not offer, so the linting runs in a child node process. Type-aware rules are switched off for these
 * files (they are in no tsconfig program); the layering rule needs no types.
 */
const ROOT = join(__dirname, '..', '..');

interface Probe {
  path: string;
  code: string;
}
interface Linted {
  path: string;
  messages: { ruleId: string | null; messageId?: string; message: string; fatal?: boolean }[];
}

const SCRIPT = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { LIBRARY_LAYERS } from './eslint/layering.mjs';
const probes = JSON.parse(readFileSync(0, 'utf8'));
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: [tseslint.configs.disableTypeChecked] });
const linted = [];
for (const probe of probes) {
  const [result] = await eslint.lintText(probe.code, { filePath: join(process.cwd(), probe.path) });
  linted.push({ path: probe.path, messages: result.messages.map(({ ruleId, messageId, message, fatal }) => ({ ruleId, messageId, message, fatal })) });
}
process.stdout.write(JSON.stringify({ linted, layers: LIBRARY_LAYERS }));
`;

function lint(probes: Probe[]): { linted: Linted[]; layers: string[][] } {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    cwd: ROOT,
    input: JSON.stringify(probes),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`eslint probe failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as { linted: Linted[]; layers: string[][] };
}

/** [where the file is, what it imports, the layering message expected (null: allowed)]. */
const CASES: [string, string, string | null][] = [
  // app → app, in each path form
  ['apps/demo/src/probe.ts', "import { readSourceFile } from '../../cli/src/commands/source-file';", 'appToApp'],
  ['apps/demo/src/deeper/probe.ts', "import { main } from '../../../province-sim/src/province-sim';", 'appToApp'],
  ['apps/gateway/src/probe.ts', "import { main } from 'apps/cli/src/main';", 'appToApp'],
  ['apps/worker/src/probe.ts', "export { main } from '../../gateway/src/main';", 'appToApp'],
  ['apps/admin-ui/src/probe.tsx', "import type { X } from '../../gateway/src/admin/paging';", 'selfContained'],
  ['apps/admin-ui/src/probe.ts', "import { X } from '@txng/national-model';", 'selfContained'],
  // lower library → higher library (or one of its own layer), by name, path, import() and type
  ['libs/common/src/probe.ts', "import { SourcesService } from '@txng/connectors';", 'upward'],
  ['libs/connectors/src/probe.ts', "import { PipelineService } from '@txng/pipeline';", 'upward'],
  ['libs/mapping/src/probe.ts', "import { X } from '../../jobs/src/index';", 'upward'],
  ['libs/national-model/src/x/probe.ts', "import { X } from 'libs/mapping/src';", 'upward'],
  ['libs/pipeline/src/probe.ts', "export const load = () => import('@txng/jobs');", 'upward'],
  ['libs/persistence/src/probe.ts', "export type T = import('@txng/connectors').SourcesService;", 'upward'],
  ['libs/queues/src/probe.ts', "const w = require('@txng/jobs');\nexport { w };", 'upward'],
  ['libs/portal-client/src/probe.ts', "import pipeline = require('@txng/pipeline');\nexport { pipeline };", 'upward'],
  // library → app, test code outside spec files, a library with no layer
  ['libs/queues/src/probe.ts', "export * from '../../../apps/worker/src/main';", 'libToApp'],
  ['libs/common/src/probe.ts', "import { X } from '../../../test/support/processes';", 'testCode'],
  ['libs/brand-new/src/probe.ts', "import { UsageError } from '@txng/common';", 'unknownLibrary'],
  ['libs/jobs/src/probe.ts', "import { X } from '@txng/brand-new';", 'unknownLibrary'],
  // downward but by a path into another library's folder
  ['libs/jobs/src/probe.ts', "import { UsageError } from '../../common/src/index';", 'relative'],
  // allowed
  ['apps/demo/src/probe.ts', "import { readSourceFile } from '@txng/connectors/sources/source-file';", null],
  ['apps/gateway/src/probe.ts', "import { Injectable } from '@nestjs/common';\nimport { X } from './admin/paging';", null],
  ['libs/jobs/src/probe.ts', "import { PipelineService } from '@txng/pipeline';", null],
  ['libs/connectors/src/probe.ts', "import { readSourceFile } from './sources/source-file';", null],
  ['libs/mapping/src/x/probe.ts', "import { X } from '@txng/national-model';\nimport { Y } from '../engine/x';", null],
  ['libs/mapping/src/probe.spec.ts', "import { X } from '../../../test/support/fuzz-arbitraries';", null],
  ['apps/admin-ui/src/probe.tsx', "import { useState } from 'react';\nimport { api } from './api';", null],
];

describe('layering lint', () => {
  let result: { linted: Linted[]; layers: string[][] };
  beforeAll(() => {
    result = lint(CASES.map(([path, code]) => ({ path, code: `${code}\n` })));
  }, 120_000);

  it.each(CASES.map((c, i) => [i, ...c] as const))('#%i %s: %s', (i, path, _code, expected) => {
    const { messages } = result.linted[i];
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    const layering = messages.filter((m) => m.ruleId === 'layering/imports').map((m) => m.messageId);
    expect({ path, layering }).toEqual({ path, layering: expected ? [expected] : [] });
  });

  it('gives every library a layer, each exactly once', () => {
    const listed = result.layers.flat();
    expect(new Set(listed).size).toBe(listed.length);
    const libs = readdirSync(join(ROOT, 'libs'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect([...listed].sort()).toEqual([...libs].sort());
  });
});
