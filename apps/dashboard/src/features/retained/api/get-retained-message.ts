import type { RetainedMessageDetail } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { retainedKeys } from './keys';

/** `GET /bff/retained/message?topic=`: one retained message, payload in base64, with its properties. */
export const getRetainedMessage = (topic: string, signal?: AbortSignal): Promise<RetainedMessageDetail> =>
  api.get<RetainedMessageDetail>('/bff/retained/message', { query: { topic }, signal });

export const retainedMessageQueryOptions = (topic: string) =>
  queryOptions({ queryKey: retainedKeys.message(topic), queryFn: ({ signal }) => getRetainedMessage(topic, signal), retry: false });

export const useRetainedMessage = (topic: string | null) =>
  useQuery({ ...retainedMessageQueryOptions(topic ?? ''), enabled: topic !== null });
