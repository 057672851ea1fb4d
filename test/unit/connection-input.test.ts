import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { NewConnectionSchema } from '@/utils/connection-input';

const jira = {
  provider: 'jira',
  label: 'Jira',
  clientId: 'cid',
  clientSecret: ' s3cret ',
  scopes: ['read:jira-work'],
};

function firstIssue(input: unknown): string | undefined {
  const result = v.safeParse(NewConnectionSchema, input);
  return result.success ? undefined : result.issues[0]?.message;
}

describe('NewConnectionSchema', () => {
  it('accepts a Jira connection and keeps the secret exactly as typed', () => {
    const actual = v.parse(NewConnectionSchema, jira);

    expect(actual).toEqual(jira);
  });

  it('drops fields a preset does not take, such as endpoints a page might smuggle in', () => {
    const input = {
      ...jira,
      tokenEndpoint: 'https://evil.test/token',
      issuer: 'https://evil.test',
    };

    const actual = v.parse(NewConnectionSchema, input);

    expect(actual).toEqual(jira);
  });

  it.each([
    {
      input: { ...jira, clientSecret: '  ' },
      expected: 'Jira Cloud needs the secret from the Atlassian developer console.',
    },
    {
      input: { ...jira, provider: 'google', clientSecret: '' },
      expected: 'Google needs the client secret of the Web application client.',
    },
    {
      input: { ...jira, provider: 'google', testingMode: 'yes' },
      expected: 'Testing mode must be true or false.',
    },
    {
      input: { ...jira, provider: 'github' },
      expected: 'Choose Jira Cloud, Google or a custom provider.',
    },
    { input: { ...jira, label: ' ' }, expected: 'Give the connection a label.' },
    { input: { ...jira, scopes: ['a b'] }, expected: 'Scopes must not contain spaces or quotes.' },
  ])('refuses with "$expected"', ({ input, expected }) => {
    const actual = firstIssue(input);

    expect(actual).toBe(expected);
  });

  it('keeps the client secret optional for a custom provider', () => {
    const input = {
      provider: 'custom',
      label: 'C',
      clientId: 'c',
      scopes: [],
      issuer: 'https://as.test',
    };

    const actual = firstIssue(input);

    expect(actual).toBeUndefined();
  });
});
