import { useId, type FormEvent, type ReactNode } from 'react';
import { Dialog, Form, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { Button } from './button';
import { Close } from './icons';

export interface AppDialogProps {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children: ReactNode;
  /** Buttons row, kept visible below a scrolling body. */
  footer?: ReactNode;
  size?: 'sm' | 'md' | 'lg';
  role?: 'dialog' | 'alertdialog';
  /** Forms with unsaved input should not close on an outside click. */
  isDismissable?: boolean;
}

/** React Aria's modal dialog: focus trap, Escape, focus return, inert background. */
export function AppDialog({ isOpen, onOpenChange, title, children, footer, size = 'md', role = 'dialog', isDismissable = true }: AppDialogProps) {
  return (
    <ModalOverlay isOpen={isOpen} onOpenChange={onOpenChange} isDismissable={isDismissable} className="modal-overlay">
      <Modal className={`modal modal-${size}`}>
        <Dialog role={role} className="dialog">
          <header className="dialog-header">
            <Heading slot="title" className="dialog-title">{title}</Heading>
            <Button variant="ghost" size="sm" slot="close" aria-label="Close" className="btn-icon">
              <Close />
            </Button>
          </header>
          <div className="dialog-body">{children}</div>
          {footer && <footer className="dialog-footer">{footer}</footer>}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

export interface ConfirmDialogProps {
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  children: ReactNode;
  /** Names the action and its size, e.g. "Ban 3 sessions". */
  confirmLabel: string;
  onConfirm: () => void;
  tone?: 'danger' | 'primary';
  isPending?: boolean;
  /** Which button has focus at first; by default Cancel for a destructive (`danger`) one (issue 13). */
  focusCancel?: boolean;
}

/**
 * Asks before an action; the confirm button repeats what will happen. A destructive one (`danger`)
 * opens with Cancel focused, so Enter or Space pressed by habit does nothing harmful (issue 13).
 */
export function ConfirmDialog({ isOpen, onOpenChange, title, children, confirmLabel, onConfirm, tone = 'danger', isPending, focusCancel }: ConfirmDialogProps) {
  const cancelFirst = focusCancel ?? tone === 'danger';
  return (
    <AppDialog
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      title={title}
      role="alertdialog"
      size="sm"
      footer={
        <>
          <Button variant="ghost" onPress={() => onOpenChange(false)} autoFocus={cancelFirst}>
            Cancel
          </Button>
          <Button variant={tone} onPress={onConfirm} isPending={isPending} autoFocus={!cancelFirst}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
    </AppDialog>
  );
}

export interface FormDialogProps {
  isOpen: boolean;
  /** Cancel, Escape and the close button: the caller resets its form here. */
  onClose: () => void;
  title: string;
  /** The submit button's words, e.g. "Create account". */
  submitLabel: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  isPending?: boolean;
  children: ReactNode;
}

/**
 * A form in a modal dialog with Cancel and a submit button below it: not dismissed by an outside
 * click (the form may hold unsaved input), validation shown with aria (React Aria Form).
 */
export function FormDialog({ isOpen, onClose, title, submitLabel, onSubmit, isPending, children }: FormDialogProps) {
  const formId = useId();
  return (
    <AppDialog
      isOpen={isOpen}
      onOpenChange={(open) => !open && onClose()}
      title={title}
      isDismissable={false}
      footer={
        <>
          <Button variant="ghost" onPress={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form={formId} isPending={isPending}>{submitLabel}</Button>
        </>
      }
    >
      <Form id={formId} onSubmit={onSubmit} validationBehavior="aria" className="stack">
        {children}
      </Form>
    </AppDialog>
  );
}
