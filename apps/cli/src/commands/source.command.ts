import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { AppError, type HubConfig } from '@txng/common';
import { readSourceFile, SourcesService, validationPolicy } from '@txng/connectors';
import { previewMapping } from '@txng/mapping';
import { isBlockingFinding } from '@txng/national-model';
import { ALL_QUEUES, QueueStatsService } from '@txng/queues';
import { CliModule } from '../cli.module';

const FIXED_FIELDS = ['key', 'kind', 'provinceCode'];

/** `npm run source -- apply <file>` and `npm run source -- preview <key> <sample-file>`. */
export async function sourceCommand(
  config: HubConfig,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const [sub, ...rest] = args;
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  try {
    // BullMQ emits an unhandled error when a queue is closed while still connecting; a short-lived
    // command therefore waits for its queues before doing anything.
    const stats = app.get(QueueStatsService);
    await Promise.all(ALL_QUEUES.map((name) => stats.queue(name).waitUntilReady()));
    const sources = app.get(SourcesService);
    const actor = `cli:${userInfo().username}`;
    if (sub === 'apply' && rest.length === 1) {
      const definition = readSourceFile(rest[0]);
      const key = typeof definition.key === 'string' ? definition.key : '';
      const exists = await sources.get(key).then(
        () => true,
        (error: unknown) => {
          // Only "no such source" means create; a database failure must not be taken for it.
          if (error instanceof AppError && error.status === 404) return false;
          throw error;
        },
      );
      if (!exists) {
        const created = await sources.create(definition, actor);
        out(`created source ${key} (stage ${created.source.stage})`);
        if (created.webhookSecret)
          out(`webhook secret (shown once; give it to the province): ${created.webhookSecret}`);
        if (created.callbackSecret)
          out(
            `callback secret (shown once; the province verifies callbacks with it): ${created.callbackSecret}`,
          );
        return 0;
      }
      const patch = Object.fromEntries(
        Object.entries(definition).filter(([field]) => !FIXED_FIELDS.includes(field)),
      );
      const current = await sources.view(key);
      if (
        current.mapping &&
        definition.mapping &&
        (definition.mapping as { expression?: string }).expression === current.mapping.expression
      ) {
        delete patch.mapping; // unchanged mapping: no new version
      }
      const { source: updated, callbackSecret } = await sources.patch(key, patch, actor);
      out(
        `updated source ${key} (stage ${updated.stage}, mapping version ${updated.mapping?.version ?? 'none'})`,
      );
      if (callbackSecret) out(`callback secret (shown once): ${callbackSecret}`);
      return 0;
    }
    if (sub === 'preview' && rest.length === 2) {
      const [key, samplePath] = rest;
      const source = await sources.get(key);
      const mapping = await sources.mapping(key, source.mappingVersion);
      const result = await previewMapping({
        format: source.format,
        mapping: mapping ? { language: mapping.language, expression: mapping.expression } : undefined,
        body: readFileSync(samplePath),
        policy: validationPolicy(source),
      });
      out(JSON.stringify(result, null, 2));
      // Warnings do not hold a record back, so they do not fail the preview.
      const findings =
        result.findings.length +
        result.records.reduce((n, r) => n + r.findings.filter(isBlockingFinding).length, 0);
      return findings > 0 ? 3 : 0;
    }
    out('Usage: npm run source -- apply <file.yaml> | preview <sourceKey> <sample-file>');
    return 2;
  } catch (error) {
    if (error instanceof AppError) {
      out(`${error.code}: ${error.message}`);
      for (const detail of error.details) out(`  ${JSON.stringify(detail)}`);
      return 1;
    }
    throw error;
  } finally {
    await app.close();
  }
}
