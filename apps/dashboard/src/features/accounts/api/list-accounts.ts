import type { AccountInfo } from '@mqdash/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { accountKeys } from './keys';

/** `GET /bff/accounts`: every administrator account with its role, never a password. */
export const listAccounts = async (signal?: AbortSignal): Promise<AccountInfo[]> =>
  (await api.get<{ data: AccountInfo[] }>('/bff/accounts', { signal })).data;

export const listAccountsQueryOptions = () => queryOptions({ queryKey: accountKeys.list(), queryFn: ({ signal }) => listAccounts(signal) });

export const useAccounts = () => useQuery(listAccountsQueryOptions());
