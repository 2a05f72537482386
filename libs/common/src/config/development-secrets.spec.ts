import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEVELOPMENT_SECRET_KEY_FILE, withDevelopmentSecretKey } from './development-secrets';
import { loadConfig } from './load-config';

const freshDir = (): string => mkdtempSync(join(tmpdir(), 'txng-key-'));

describe('the development secret key', () => {
  it('is no constant: without HUB_SECRET_KEY every configuration gets a key of its own', () => {
    const a = loadConfig({});
    const b = loadConfig({ NODE_ENV: 'test' });
    expect(a.secretKeyGenerated).toBe(true);
    expect(a.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(a.secretKey).not.toBe(b.secretKey);
  });

  it('is made once per working directory, in an owner-only file in an owner-only directory', () => {
    const [one, two] = [freshDir(), freshDir()];
    const first = withDevelopmentSecretKey(loadConfig({}), one);
    expect(first.keyFile).toBe(join(one, DEVELOPMENT_SECRET_KEY_FILE));
    expect(first.created).toBe(true);
    expect(readFileSync(first.keyFile!, 'utf8').trim()).toBe(first.config.secretKey);
    expect(statSync(first.keyFile!).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(first.keyFile!)).mode & 0o777).toBe(0o700);

    // Another clone gets another key; a restart (or the worker, or the cli) in the same one reuses it.
    const other = withDevelopmentSecretKey(loadConfig({}), two);
    expect(other.config.secretKey).not.toBe(first.config.secretKey);
    const again = withDevelopmentSecretKey(loadConfig({ NODE_ENV: 'test' }), one);
    expect(again).toMatchObject({ created: false, config: { secretKey: first.config.secretKey } });
  });

  it('replaces an unusable file, and leaves a configured key (and production) alone', () => {
    const dir = freshDir();
    const first = withDevelopmentSecretKey(loadConfig({}), dir);
    writeFileSync(first.keyFile!, 'short\n');
    const remade = withDevelopmentSecretKey(loadConfig({}), dir);
    expect(remade.created).toBe(true);
    expect(remade.config.secretKey).toHaveLength(43);

    const configured = 'a-configured-secret-key-of-32-characters-or-more';
    expect(withDevelopmentSecretKey(loadConfig({ HUB_SECRET_KEY: configured }), freshDir())).toMatchObject({
      keyFile: null,
      config: { secretKey: configured, secretKeyGenerated: false },
    });
  });
});
