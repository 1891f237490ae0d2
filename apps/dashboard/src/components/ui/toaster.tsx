import { Button, Text, UNSTABLE_Toast as Toast, UNSTABLE_ToastContent as ToastContent, UNSTABLE_ToastRegion as ToastRegion } from 'react-aria-components';
import { toastQueue, type ToastContent as Content } from '../../lib/toast';
import { Alert, Check, Close, Info } from './icons';

const icons: Record<Content['tone'], () => React.JSX.Element> = { success: Check, error: Alert, warning: Alert, info: Info };

/** The toast region (an ARIA landmark, F6 reaches it); toasts come from `lib/toast`. */
export function Toaster() {
  return (
    <ToastRegion queue={toastQueue} className="toast-region">
      {({ toast }) => {
        const Icon = icons[toast.content.tone];
        return (
          <Toast toast={toast} className={`toast toast-${toast.content.tone}`}>
            <span className="toast-icon" aria-hidden="true"><Icon /></span>
            <ToastContent className="toast-content">
              <Text slot="title" className="toast-title">{toast.content.title}</Text>
              {toast.content.description && <Text slot="description" className="toast-description">{toast.content.description}</Text>}
            </ToastContent>
            <Button slot="close" aria-label="Dismiss notification" className="toast-close">
              <Close />
            </Button>
          </Toast>
        );
      }}
    </ToastRegion>
  );
}
