import { main } from './province-sim';

main(...process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`province-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
