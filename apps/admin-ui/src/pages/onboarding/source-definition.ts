/** What the wizard's first step asks, and the source definition it sends (POST /v1/admin/sources). */
export const FORMATS = ['json', 'xml', 'csv', 'epcis-json', 'epcis-xml'] as const;
export const STARTER_MAPPING =
  '{\n  "products": products.{\n    "gtin": gtin,\n    "name": name,\n    "ownerTaxCode": owner\n  }\n}';

export interface Details {
  key: string;
  provinceCode: string;
  name: string;
  kind: 'webhook' | 'poll';
  format: string;
  url: string;
  intervalSeconds: string;
  itemsPath: string;
  authType: 'none' | 'apiKey' | 'basic';
  apiKeyName: string;
  apiKeyValue: string;
  username: string;
  password: string;
  pageParam: string;
}

export const EMPTY: Details = {
  key: '',
  provinceCode: '',
  name: '',
  kind: 'webhook',
  format: 'json',
  url: '',
  intervalSeconds: '60',
  itemsPath: 'data',
  authType: 'none',
  apiKeyName: 'X-API-Key',
  apiKeyValue: '',
  username: '',
  password: '',
  pageParam: 'page',
};

export function definition(d: Details, expression: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    key: d.key.trim(),
    provinceCode: d.provinceCode,
    name: d.name.trim(),
    kind: d.kind,
    format: d.format,
  };
  if (!d.format.startsWith('epcis') || expression.trim()) body.mapping = { language: 'jsonata', expression };
  if (d.kind === 'poll') {
    const auth =
      d.authType === 'apiKey'
        ? { type: 'apiKey', in: 'header', name: d.apiKeyName, value: d.apiKeyValue }
        : d.authType === 'basic'
          ? { type: 'basic', username: d.username, password: d.password }
          : { type: 'none' };
    body.poll = {
      url: d.url.trim(),
      intervalSeconds: Number(d.intervalSeconds),
      itemsPath: d.itemsPath.trim() || undefined,
      auth,
      pagination: { type: 'page', param: d.pageParam || 'page', startAt: 1 },
    };
  }
  return body;
}
