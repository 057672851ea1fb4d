// Checked by `npm run typecheck` (tsc reads every test file; `npm test` runs it first): the page
// protocol, the worker's handlers and schemas, and the pages' client are one list of messages
// (docs/architecture.md#messages).
import type * as v from 'valibot';
import { expectTypeOf } from 'vitest';
import type { PageAsk, WorkerClient } from '@/components/workerClient';
import type { PAGE_REQUESTS, pageHandlers } from '@/utils/background/handlers';
import type { DataRequest, requestSchemas } from '@/utils/background/request-schemas';
import type { PageRequest, PageRequests } from '@/utils/messaging';

type Mutable<T> = T extends readonly (infer E)[]
  ? Mutable<E>[]
  : T extends object
    ? { -readonly [P in keyof T]: Mutable<T[P]> }
    : T;

// Every page request has a handler, every handler a request, and registration reads their names.
expectTypeOf<keyof typeof pageHandlers>().toEqualTypeOf<PageRequest>();
expectTypeOf<typeof PAGE_REQUESTS>().toEqualTypeOf<PageRequest[]>();

// Each handler answers what the protocol promises.
expectTypeOf<{ [K in PageRequest]: Awaited<ReturnType<(typeof pageHandlers)[K]>> }>().toExtend<{
  [K in PageRequest]: ReturnType<PageRequests[K]>;
}>();

// Every request with data has its schema under its own name, and the schema accepts what a page sends
// (`readonly` only binds the sender's code: a schema's array takes either).
expectTypeOf<keyof typeof requestSchemas>().toEqualTypeOf<DataRequest>();
expectTypeOf<{ [K in DataRequest]: Mutable<Parameters<PageRequests[K]>[0]> }>().toExtend<{
  [K in DataRequest]: v.InferInput<(typeof requestSchemas)[K]>;
}>();

// The pages' client: a method per page request but the token, sending that request's data and
// answering what the worker's handler answers.
expectTypeOf<Exclude<PageRequest, PageAsk>>().toEqualTypeOf<'getAccessToken'>();
expectTypeOf<Exclude<keyof WorkerClient, 'subscribeToStatus'>>().toEqualTypeOf<PageAsk>();
expectTypeOf<{ [K in PageAsk]: Parameters<WorkerClient[K]> }>().toEqualTypeOf<{
  [K in PageAsk]: Parameters<PageRequests[K]>;
}>();
expectTypeOf<{ [K in PageAsk]: Awaited<ReturnType<WorkerClient[K]>> }>().toEqualTypeOf<{
  [K in PageAsk]: ReturnType<PageRequests[K]>;
}>();
