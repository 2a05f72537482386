import 'reflect-metadata';
import { runMain } from '@txng/common';
import { migrateDatabase, revertLastMigration } from '@txng/persistence';

const USAGE = `Usage: node dist/apps/cli/main.js <command>
  migrate          apply pending database migrations (creates the database if needed)
  migrate down     revert the latest migration`;

runMain('cli', async (config) => {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case 'migrate': {
      if (args[0] === 'down') {
        const reverted = await revertLastMigration(config.databaseUrl);
        process.stdout.write(reverted ? `reverted ${reverted}\n` : 'nothing to revert\n');
        return;
      }
      const report = await migrateDatabase(config.databaseUrl);
      if (report.createdDatabase) process.stdout.write('created the database\n');
      process.stdout.write(
        report.applied.length ? `applied ${report.applied.join(', ')}\n` : 'schema is up to date\n',
      );
      return;
    }
    default:
      process.stderr.write(USAGE + '\n');
      process.exitCode = 2;
  }
});
