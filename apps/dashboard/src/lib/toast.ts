import { UNSTABLE_ToastQueue as ToastQueue } from 'react-aria-components';

/** What a toast shows; `tone` picks its colour and icon. */
export interface ToastContent {
  title: string;
  description?: string;
  tone: 'success' | 'error' | 'info' | 'warning';
}

/** One queue for the app; the region in `components/ui/toaster.tsx` renders it. */
export const toastQueue = new ToastQueue<ToastContent>({ maxVisibleToasts: 4 });

// Errors and warnings stay longer: they often need reading twice.
const timeouts: Record<ToastContent['tone'], number> = { success: 5000, info: 5000, warning: 10000, error: 10000 };

export function toast(content: ToastContent): void {
  toastQueue.add(content, { timeout: timeouts[content.tone] });
}
toast.success = (title: string, description?: string) => toast({ tone: 'success', title, description });
toast.error = (title: string, description?: string) => toast({ tone: 'error', title, description });
toast.warning = (title: string, description?: string) => toast({ tone: 'warning', title, description });
