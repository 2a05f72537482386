import 'reflect-metadata';
import { runMain } from '@txng/common';
import { migrateDatabase, revertLastMigration } from '@txng/persistence';
import { sourceCommand } from './commands/source.command';

const USAGE = `Usage: node dist/apps/cli/main.js <command>
  migrate                            apply pending database migrations (creates the database if needed)
  migrate down                       revert the latest migration
  source apply <file.yaml>           create or update a source from a definition file
  source preview <key> <sample>      show the national records and findings a sample payload makes`;

const out = (line: string): void => void process.stdout.write(line + '\n');

runMain('cli', async (config) => {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'migrate': {
      if (args[0] === 'down') {
        const reverted = await revertLastMigration(config.databaseUrl);
        out(reverted ? `reverted ${reverted}` : 'nothing to revert');
        return;
      }
      const report = await migrateDatabase(config.databaseUrl);
      if (report.createdDatabase) out('created the database');
      out(report.applied.length ? `applied ${report.applied.join(', ')}` : 'schema is up to date');
      return;
    }
    case 'source':
      await migrateDatabase(config.databaseUrl);
      process.exitCode = await sourceCommand(config, args, out);
      return;
    default:
      process.stderr.write(USAGE + '\n');
      process.exitCode = 2;
  }
});
