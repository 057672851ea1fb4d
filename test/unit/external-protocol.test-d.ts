// Checked by `npm run typecheck`: the client module's wire types and the worker's schemas are one protocol.
import type * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import type {
  ExternalRequest,
  GetAccessTokenRequest,
  RequestAccessRequest,
  TokenKeeperClient,
} from '@/client/token-keeper-client';
import type { ExternalResponse } from '@/utils/engine/access';
import type {
  ExternalRequestSchema,
  GetAccessTokenSchema,
  RequestAccessSchema,
} from '@/utils/engine/external-messages';

expectTypeOf<v.InferInput<typeof GetAccessTokenSchema>>().toEqualTypeOf<GetAccessTokenRequest>();
expectTypeOf<v.InferInput<typeof RequestAccessSchema>>().toEqualTypeOf<RequestAccessRequest>();
expectTypeOf<v.InferInput<typeof ExternalRequestSchema>>().toEqualTypeOf<ExternalRequest>();
expectTypeOf<
  Awaited<ReturnType<TokenKeeperClient['getAccessToken' | 'requestAccess']>>
>().toEqualTypeOf<ExternalResponse>();
