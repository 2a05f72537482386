import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A line of the demo's own. */
export const say = (line: string): void => void process.stdout.write(`demo: ${line}\n`);
/** A line as it is (a child's, already prefixed with its name, or the banner). */
export const echo = (line: string): void => void process.stdout.write(`${line}\n`);

/** The repository root: the folder with nest-cli.json above this file (src or dist). */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir))
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
  return process.cwd();
}
