import type { ChangePasswordBody } from '@mqdash/contracts';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** 204 on success; 400 with `property` when the current password is wrong or the new one too weak. */
export const changePassword = (body: ChangePasswordBody): Promise<void> => api.post<void>('/bff/password', body);

export const useChangePassword = () => useMutation({ mutationFn: changePassword, meta: { errorToast: false } });
