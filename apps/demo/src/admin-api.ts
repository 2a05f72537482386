/** What the operator API answered: the HTTP status and the parsed JSON body (null when empty). */
export interface ApiAnswer<T> {
  status: number;
  body: T;
}

export type AdminApi = <T>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;

/** The operator API as the demo uses it (bearer = the admin token). */
export function adminApi(baseUrl: string, token: string): AdminApi {
  return async <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
}
