/** A low-cardinality label for stats: path parameters replaced by their names. */
export function routeLabel(method: string, path: string): string {
  const p = path.split('?')[0] ?? '';
  const label = p
    .replace(/^\/api\/v1\/registry\/prefixes\/[^/]+$/, '/api/v1/registry/prefixes/:digits')
    .replace(/^\/api\/v1\/records\/[^/]+\/[^/]+$/, '/api/v1/records/:kind/:key')
    .replace(/^\/api\/v1\/provinces\/[^/]+\/summary$/, '/api/v1/provinces/:code/summary');
  return `${method} ${label}`;
}
