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

describe('a request bounded by the client timeout', () => {
  it('bounds the whole answer, body included, and leaves no rejection behind when the bound passes', async () => {
    const { createServer } = await import('node:http');
    // A real socket: without reading the body, a revocation whose body never ended passed as done.
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('revoked');
      // The body never ends: whoever does not read it leaves the stream open past the bound.
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const { revokeToken } = await import('@/utils/oauth/client');
      const base = `http://127.0.0.1:${port}`;
      const endpoints = {
        authorization: `${base}/auth`,
        token: `${base}/token`,
        revocation: `${base}/revoke`,
      };
      const failure = await revokeToken({ endpoints, clientId: 'c' }, 'rt', {
        timeoutMs: 150,
      }).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 400));

      expect(unhandled).toEqual([]);
      expect(failure).toMatchObject({ name: 'TimeoutError' });
    } finally {
      process.off('unhandledRejection', record);
      server.close();
    }
  });
});
