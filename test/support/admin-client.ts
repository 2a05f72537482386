import request from 'supertest';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** supertest against a hub with the bootstrap admin token (or another) already set. */
export function admin(url: string, token = ADMIN_TOKEN) {
  const auth = { Authorization: `Bearer ${token}` };
  return {
    get: (path: string) => request(url).get(path).set(auth),
    post: (path: string, body?: object) => request(url).post(path).set(auth).send(body),
    patch: (path: string, body: object) => request(url).patch(path).set(auth).send(body),
    delete: (path: string) => request(url).delete(path).set(auth),
  };
}

/** Creates an operator-API token with `role` through the API; answers its id and the token. */
export async function createToken(
  url: string,
  role: 'viewer' | 'operator' | 'admin',
  name = `kiểm thử ${role}`,
): Promise<{ id: string; token: string }> {
  const res = await admin(url).post('/v1/admin/tokens', { name, role }).expect(201);
  return { id: res.body.id as string, token: res.body.token as string };
}

/** A JSON webhook source whose mapping takes `{products:[{gtin,name,owner,kg}]}`. */
export const JSON_SOURCE = {
  key: 'can-tho-test',
  provinceCode: '92',
  name: 'Hệ thống TXNG nông sản Cần Thơ (kiểm thử)',
  kind: 'webhook',
  format: 'json',
  mapping: {
    language: 'jsonata',
    expression:
      '{ "products": products.{ "gtin": gtin, "name": name, "ownerTaxCode": owner, "netContent": { "value": kg, "uom": "KGM" } } }',
  },
};

/** A poll source (basic auth, cursor paging) whose API is nowhere: defining it fetches nothing. */
export const POLL_SOURCE = {
  key: 'tay-ninh-poll-test',
  provinceCode: '80',
  name: 'Hệ thống TXNG Tây Ninh',
  kind: 'poll',
  format: 'json',
  mapping: { language: 'jsonata', expression: '{ "products": data.{ "gtin": gtin, "name": name } }' },
  poll: {
    url: 'http://127.0.0.1:9/api/records',
    intervalSeconds: 60,
    itemsPath: 'data',
    auth: { type: 'basic', username: 'hub', password: 'p@ss-Tây-Ninh-123' },
    pagination: { type: 'cursor', param: 'cursor', nextCursorPath: 'next' },
  },
};

/** Creates a webhook source through the operator API, activates it, and returns its secret. */
export async function createActiveSource(
  url: string,
  definition: { key: string; [field: string]: unknown },
): Promise<string> {
  const created = await admin(url).post('/v1/admin/sources', definition).expect(201);
  await admin(url).post(`/v1/admin/sources/${definition.key}/activate`).expect(200);
  return created.body.webhookSecret as string;
}
