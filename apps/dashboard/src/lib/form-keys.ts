import { useEffect, type RefObject } from 'react';

/**
 * Issue 13 "Enter in a field never submits a dialog by surprise": a browser submits a form when
 * Enter is pressed in one of its inputs (implicit submission, HTML "4.10.21.2"). This stops that
 * for inputs; Ctrl+Enter or ⌘+Enter still submits on purpose. Text areas (a new line) and buttons
 * (Save itself, pickers) keep their own Enter.
 */
export function enterSubmitsOnlyOnPurpose(event: KeyboardEvent): void {
  if (event.key !== 'Enter' || !(event.target instanceof HTMLInputElement) || !event.target.form) return;
  event.preventDefault();
  if (event.ctrlKey || event.metaKey) event.target.form.requestSubmit();
}

/** enterSubmitsOnlyOnPurpose on a form (React Aria's Form takes no key handler). */
export function useEnterSubmitsOnlyOnPurpose(form: RefObject<HTMLFormElement | null>): void {
  useEffect(() => {
    const el = form.current;
    el?.addEventListener('keydown', enterSubmitsOnlyOnPurpose);
    return () => el?.removeEventListener('keydown', enterSubmitsOnlyOnPurpose);
  }, [form]);
}
