import { Foundation1764230400000 } from './1764230400000-foundation';

/**
 * Every migration, oldest first. Listed by hand (not globbed) so the bundled build carries them and
 * so the process knows exactly which schema versions it understands.
 */
export const MIGRATIONS = [Foundation1764230400000];
