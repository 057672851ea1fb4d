// The consent step the provider emulators share: the page with Approve and Cancel for an accepted
// authorization request, and reading the person's decision. What the provider then issues is its own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { consentPage, errorPage, randomToken, readBody, redirect, sendHtml } from './http';

/** The provider's words on its consent page. */
export interface ConsentWording {
  title: string;
  account: string;
  /** Where the page posts the decision. */
  action: string;
  approveLabel: string;
}

/** The redirect URI with the request's `state`, for the answer (a code or an error) to be added to. */
export function answerUrl(redirectUri: string, params: URLSearchParams): URL {
  const back = new URL(redirectUri);
  const state = params.get('state');
  if (state) back.searchParams.set('state', state);
  return back;
}

/** Consent pages shown and not yet answered, and the decisions posted back to them. */
export function consentDesk(redirectUri: string) {
  const pending = new Map<string, URLSearchParams>();
  return {
    /** Shows the consent page for an authorization request the provider accepted. */
    show(response: ServerResponse, params: URLSearchParams, wording: ConsentWording): void {
      const requestId = randomToken('consent');
      pending.set(requestId, params);
      const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
      sendHtml(response, 200, consentPage({ ...wording, scopes, requestId }));
    },
    /**
     * Reads a posted decision. An expired request and a refusal are answered here; an approval returns
     * the request's parameters and the URL to add the code to.
     */
    async decide(
      request: IncomingMessage,
      response: ServerResponse,
    ): Promise<{ params: URLSearchParams; back: URL } | undefined> {
      const form = new URLSearchParams(await readBody(request));
      const requestId = form.get('request') ?? '';
      const params = pending.get(requestId);
      if (!params) {
        sendHtml(response, 400, errorPage('This consent request expired.'));
        return undefined;
      }
      pending.delete(requestId);
      const back = answerUrl(redirectUri, params);
      if (form.get('decision') !== 'approve') {
        back.searchParams.set('error', 'access_denied');
        redirect(response, back.href);
        return undefined;
      }
      return { params, back };
    },
  };
}
