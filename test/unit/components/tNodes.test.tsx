// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { setMessageLookup } from '@/components/i18n';
import { tNodes } from '@/components/tNodes';
import { englishLookup } from './catalog';

describe('tNodes', () => {
  afterEach(() => {
    cleanup();
    setMessageLookup(englishLookup);
  });

  it('puts each element where its $n stands, in the order the translation chooses', () => {
    setMessageLookup((_key, [first = '', second = '']) => `B ${second} then A ${first}.`);

    const { container } = render(<p>{tNodes('issuerHint', <code>a</code>, <strong>b</strong>)}</p>);

    expect(container.innerHTML).toBe('<p>B <strong>b</strong> then A <code>a</code>.</p>');
  });

  it('renders the English catalog around the elements', () => {
    const { container } = render(
      <p>
        {tNodes(
          'issuerHint',
          <code>/.well-known/openid-configuration</code>,
          <code>/.well-known/oauth-authorization-server</code>,
        )}
      </p>,
    );

    expect(container.textContent).toBe(
      'Its /.well-known/openid-configuration (or /.well-known/oauth-authorization-server) tells Token Keeper the endpoints.',
    );
    expect(container.querySelectorAll('code')).toHaveLength(2);
  });
});
