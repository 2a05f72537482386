import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * What goes into an image and what runs at install (docs/security.md, "Build and supply chain"):
 * local secrets never reach a build context, base images are exact versions, and no dependency runs
 * an install script nobody reviewed.
 */
const ROOT = join(__dirname, '..', '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/**
 * Install scripts that may run, and why. Anything else with an install script in the lock fails here
 * until it is reviewed (or replaced, as @scarf/scarf is by an npm override: it only phones home).
 */
const REVIEWED_INSTALL_SCRIPTS: Record<string, string> = {
  'node_modules/msgpackr-extract':
    "optional native speed-up of BullMQ's msgpack; without a compiler it falls back to JS",
  'node_modules/@swc/core':
    "development only (tests, builds): checks that the platform's prebuilt binary loads",
  'node_modules/@parcel/watcher':
    "development only (jest's file watcher): builds the native module when no prebuilt one fits",
};

describe('build hygiene', () => {
  it('.dockerignore keeps local secrets and state out of every build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim().replace(/\/$/, ''));
    for (const entry of ['.env', '.env.*', '.txng', 'node_modules', '.git']) {
      expect({ entry, ignored: ignored.includes(entry) }).toEqual({ entry, ignored: true });
    }
  });

  it('pins every base image to an exact version', () => {
    const images = [
      ...[...read('docker/Dockerfile').matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]),
      ...[...read('docker/compose.yaml').matchAll(/^\s+image:\s*(\S+)/gm)].map((m) => m[1]),
    ];
    expect(images.length).toBeGreaterThanOrEqual(4);
    for (const image of images) {
      // name:MAJOR.MINOR[.PATCH][-variant], optionally @sha256:<digest>; never a bare major or "latest".
      expect({
        image,
        exact: /^[a-z0-9/_.-]+:\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?(@sha256:[0-9a-f]{64})?$/.test(image),
      }).toEqual({
        image,
        exact: true,
      });
    }
  });

  it('installs no dependency whose install script was not reviewed (no telemetry at install)', () => {
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { hasInstallScript?: boolean; name?: string }>;
    };
    const scripted = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript)
      .map(([path]) => path)
      .filter((path) => !(path in REVIEWED_INSTALL_SCRIPTS));
    expect(scripted).toEqual([]);
    expect(Object.keys(lock.packages).filter((path) => path.endsWith('/@scarf/scarf'))).toEqual([
      'node_modules/swagger-ui-dist/node_modules/@scarf/scarf',
    ]);
    expect(lock.packages['node_modules/swagger-ui-dist/node_modules/@scarf/scarf'].name).toBe(
      'empty-npm-package',
    );
    const pkg = JSON.parse(read('package.json')) as { scarfSettings?: { enabled?: boolean } };
    expect(pkg.scarfSettings?.enabled).toBe(false);
  });
});
