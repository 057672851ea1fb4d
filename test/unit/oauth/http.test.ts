import { describe, expect, it, vi } from 'vitest';
import { jsonBodyFetch } from '@/utils/oauth/http';

type Init = RequestInit & { headers: Headers };

function fakeFetch(body: unknown, status = 200) {
  return vi.fn(
    async (_url: string, _init: RequestInit) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  );
}

describe('jsonBodyFetch', () => {
  it('sends the form fields as a JSON body with a JSON content type', async () => {
    const base = fakeFetch({ access_token: 'a', token_type: 'Bearer' });
    const input = new URLSearchParams({ grant_type: 'refresh_token', client_secret: 's' });

    await jsonBodyFetch(base)('https://as.test/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: input,
    });

    const init = base.mock.calls[0]![1] as Init;
    expect(JSON.parse(init.body as string)).toEqual({
      grant_type: 'refresh_token',
      client_secret: 's',
    });
    expect(init.headers.get('content-type')).toBe('application/json');
    expect(init.headers.get('accept')).toBe('application/json');
  });

  it('completes a successful response without token_type as a bearer token', async () => {
    const base = fakeFetch({ access_token: 'a', expires_in: 3600 });

    const response = await jsonBodyFetch(base)('https://as.test/token', {
      body: new URLSearchParams(),
    });

    expect(await response.json()).toEqual({
      access_token: 'a',
      expires_in: 3600,
      token_type: 'bearer',
    });
  });

  it.each([
    { name: 'an error answer', body: { error: 'invalid_grant' }, status: 403 },
    {
      name: 'a token_type already given',
      body: { access_token: 'a', token_type: 'Bearer' },
      status: 200,
    },
  ])('leaves $name untouched', async ({ body, status }) => {
    const base = fakeFetch(body, status);

    const response = await jsonBodyFetch(base)('https://as.test/token', {
      body: new URLSearchParams(),
    });

    expect(await response.json()).toEqual(body);
  });

  it('passes requests without a form body through unchanged', async () => {
    const base = fakeFetch({});
    const init = { method: 'GET', headers: { accept: 'application/json' } };

    await jsonBodyFetch(base)('https://as.test/x', init);

    expect(base).toHaveBeenCalledWith('https://as.test/x', init);
  });
});
