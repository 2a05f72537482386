import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@txng/common';
import { DEVELOPMENT_TOKEN_FILE, withDevelopmentAdminToken } from './development-admin-token';

describe('withDevelopmentAdminToken', () => {
  it('makes a token file only its owner can read, and reuses it on restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'txng-token-'));
    const first = withDevelopmentAdminToken(loadConfig({}), dir);
    expect(first.tokenFile).toBe(join(dir, DEVELOPMENT_TOKEN_FILE));
    expect(first.config.adminToken).toMatch(/^dev_[A-Za-z0-9_-]{32}$/);
    expect(readFileSync(first.tokenFile!, 'utf8').trim()).toBe(first.config.adminToken);
    expect(statSync(first.tokenFile!).mode & 0o077).toBe(0);
    expect(withDevelopmentAdminToken(loadConfig({}), dir).config.adminToken).toBe(first.config.adminToken);
  });

  it('leaves a configured token, and test or production settings, alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'txng-token-'));
    const set = withDevelopmentAdminToken(loadConfig({ HUB_ADMIN_TOKEN: 'configured-token-123456' }), dir);
    expect(set).toMatchObject({ tokenFile: null, config: { adminToken: 'configured-token-123456' } });
    expect(withDevelopmentAdminToken(loadConfig({ NODE_ENV: 'test' }), dir)).toMatchObject({
      tokenFile: null,
      config: { adminToken: null },
    });
  });
});
