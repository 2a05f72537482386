import { Logger } from '@nestjs/common';
import { QueryErrorLogger } from './query-logger';

describe('QueryErrorLogger', () => {
  it('logs a failed query with its statement but never its parameters', () => {
    const errors: string[] = [];
    const spy = jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      errors.push(String(message));
    });
    try {
      new QueryErrorLogger().logQueryError(
        new Error('duplicate key value violates unique constraint "api_token_pkey"'),
        'INSERT INTO api_token (id, token_hash)\n   VALUES ($1, $2)',
        ['3f1c', 'sha256-of-a-real-token-0123456789abcdef'],
      );
    } finally {
      spy.mockRestore();
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('INSERT INTO api_token (id, token_hash) VALUES ($1, $2)');
    expect(errors[0]).toContain('duplicate key value');
    expect(errors[0]).toContain('2 parameters, not logged');
    expect(errors[0]).not.toContain('sha256-of-a-real-token');
  });
});
